// The login form: "Sign in" never creates an account; a name nobody has is offered for creation
// first ("Create account" asks nothing). The last name used is remembered; the limits are shown
// while typing and checked before anything is sent, never cut silently.
import { api } from '../api.js';
import { characters, limits, newPasswordProblem } from '../limits.js';
import { byId } from './dom.js';

const LAST_NAME = 'redis-chat.last-name';
const NAME = /^[\p{L}\p{M}\p{Nd}_.\-]+$/u; // letters with their marks (Devanagari, Thai), as the server allows
const MAX_NAME = 32;
const MAX_PASSWORD_BYTES = 72;
// "Try again in a moment" (other sign-ins being checked, a busy address or node): the page tries
// again itself, a few times, each after the answer's Retry-After and up to as long again.
const MOMENT_SECONDS = 5;
const TRIES_IN_A_MOMENT = 4;
const momentary = (failed) => (failed.status === 429 || failed.status === 503)
    && failed.retryAfter > 0 && failed.retryAfter <= MOMENT_SECONDS;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const LEADS = {
    signin: 'Welcome back. Sign in with your name and password.',
    register: 'New here? Pick a name and a password.',
};

export function lastName() {
    try {
        return localStorage.getItem(LAST_NAME) || '';
    } catch (storageDisabled) {
        return '';
    }
}

function rememberName(name) {
    try {
        localStorage.setItem(LAST_NAME, name);
    } catch (storageDisabled) {
        // the form then starts empty
    }
}

/** Why the input cannot be sent, or null; a new account's password also needs the server's minimum. */
function problem(name, password, mode) {
    const length = [...name].length;
    if (name === '') {
        return { field: 'username', message: 'Enter a username.' };
    }
    if (length > MAX_NAME) {
        return { field: 'username', message: `A username may have at most ${MAX_NAME} characters; this one has ${length}.` };
    }
    if (!NAME.test(name)) {
        return { field: 'username', message: "A username may only have letters, digits, '_', '-' and '.'." };
    }
    if (password === '') {
        return { field: 'password', message: 'Enter a password.' };
    }
    const bytes = new TextEncoder().encode(password).length;
    if (bytes > MAX_PASSWORD_BYTES) {
        return { field: 'password', message: `A password may have at most ${MAX_PASSWORD_BYTES} bytes; this one has ${bytes}.` };
    }
    const tooShort = mode === 'register' ? newPasswordProblem(password) : null;
    return tooShort ? { field: 'password', message: tooShort } : null;
}

/** The password's limits under the field: a new account's minimum is the server's setting. */
export function showLoginLimits() {
    byId('login-password-help').textContent = byId('login-form').dataset.mode === 'register'
        ? `At least ${characters(limits.minPasswordLength)}, at most ${MAX_PASSWORD_BYTES} bytes.`
        : `At most ${MAX_PASSWORD_BYTES} bytes.`;
}

export function setUpLogin(onLoggedIn) {
    const form = byId('login-form');
    const username = byId('login-username');
    const password = byId('login-password');
    const error = byId('login-error');
    const submit = byId('login-submit');
    const confirm = byId('login-confirm');

    const showCount = () => {
        const length = [...username.value.trim()].length;
        byId('login-username-count').textContent = `${length}/${MAX_NAME}`;
        username.setAttribute('aria-invalid', String(length > MAX_NAME));
    };
    const hideConfirm = () => {
        confirm.hidden = true;
        submit.hidden = false;
    };

    form.setMode = (mode) => {
        form.dataset.mode = mode;
        showLoginLimits();
        byId('mode-signin').setAttribute('aria-pressed', String(mode === 'signin'));
        byId('mode-register').setAttribute('aria-pressed', String(mode === 'register'));
        byId('login-lead').textContent = LEADS[mode];
        submit.textContent = mode === 'signin' ? 'Sign in' : 'Create account';
        password.autocomplete = mode === 'signin' ? 'current-password' : 'new-password';
        error.textContent = '';
        hideConfirm();
    };
    byId('mode-signin').addEventListener('click', () => form.setMode('signin'));
    byId('mode-register').addEventListener('click', () => form.setMode('register'));

    username.addEventListener('input', () => {
        showCount();
        error.textContent = '';
        hideConfirm();
    });
    password.addEventListener('input', () => {
        error.textContent = '';
    });

    const attempt = async (mode) => {
        const name = username.value.trim();
        const trouble = problem(name, password.value, mode);
        if (trouble) {
            error.textContent = trouble.message;
            (trouble.field === 'username' ? username : password).focus();
            return;
        }
        submit.disabled = true;
        byId('login-confirm-create').disabled = true;
        error.textContent = '';
        try {
            let user;
            for (let tries = 1; ; tries++) {
                try {
                    user = await api.login(name, password.value, mode);
                    break;
                } catch (failed) {
                    if (!momentary(failed) || tries === TRIES_IN_A_MOMENT) {
                        throw failed;
                    }
                    error.textContent = "Busy signing others in; trying again…";
                    await pause(failed.retryAfter * 1000 * (1 + Math.random()));
                }
            }
            password.value = '';
            hideConfirm();
            rememberName(user.username);
            onLoggedIn(user);
        } catch (failed) {
            if (failed.status === 404 && mode === 'signin') {
                // Nothing was created: ask first, or say first what a new account's password needs.
                const tooShort = newPasswordProblem(password.value);
                if (tooShort) {
                    error.textContent = `There is no account named “${name}”. ${tooShort}`;
                    password.select();
                    password.focus();
                    return;
                }
                byId('login-confirm-text').textContent = `There is no account named “${name}”. Create it with this password?`;
                confirm.hidden = false;
                submit.hidden = true;
                byId('login-confirm-create').focus();
            } else {
                error.textContent = failed.message;
                password.select();
                password.focus();
            }
        } finally {
            submit.disabled = false;
            byId('login-confirm-create').disabled = false;
        }
    };

    form.addEventListener('submit', (event) => {
        event.preventDefault();
        attempt(form.dataset.mode === 'register' ? 'register' : 'signin');
    });
    byId('login-confirm-create').addEventListener('click', () => attempt('register'));
    byId('login-confirm-cancel').addEventListener('click', () => {
        hideConfirm();
        username.select();
        username.focus();
    });
}

/** Shows the form to sign in, with the last name used (or the given one); never a made-up name. */
export function showLogin({ message = '', name = '' } = {}) {
    byId('chat').hidden = true;
    byId('starting').hidden = true;
    byId('login').hidden = false;
    const form = byId('login-form');
    form.setMode('signin');
    byId('login-error').textContent = message;
    const username = byId('login-username');
    const password = byId('login-password');
    password.value = '';
    username.value = name || lastName();
    username.dispatchEvent(new Event('input'));
    byId('login-error').textContent = message;
    (username.value ? password : username).focus();
}
