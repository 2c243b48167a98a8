// The server's configured limits (GET /api/limits), for the checks made before anything is sent:
// the defaults hold until the answer comes, or if it never does; the server checks again anyway.
// The catch-up limit has no default: while it is unknown, catching up asks until an answer is empty.
import { api } from './api.js';

export const limits = { minPasswordLength: 8, maxMessageLength: 5000, catchUpLimit: null };

/** Asks the server once; calls `then` when its answer has replaced the defaults. */
export async function loadLimits(then) {
    let answer;
    try {
        answer = await api.limits();
    } catch (unreachable) {
        return; // the defaults stay
    }
    for (const key of Object.keys(limits)) {
        if (answer && Number.isInteger(answer[key]) && answer[key] > 0) {
            limits[key] = answer[key];
        }
    }
    then();
}

/** "8 characters", "1 character". */
export function characters(count) {
    return count === 1 ? '1 character' : `${count} characters`;
}

/** Why a new password (a new account's, or a changed one) cannot be this one, or null. */
export function newPasswordProblem(password) {
    const length = [...password].length;
    return length < limits.minPasswordLength
        ? `A new password needs at least ${characters(limits.minPasswordLength)}; this one has ${length}.` : null;
}
