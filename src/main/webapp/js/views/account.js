// The account panel: change the password (every other session ends) and log out other sessions.
import { api } from '../api.js';
import { byId } from './dom.js';
import { characters, limits, newPasswordProblem } from '../limits.js';

export function setUpAccount() {
    const toggle = byId('account-toggle');
    const panel = byId('account');
    const status = byId('account-status');
    const current = byId('password-current');
    const next = byId('password-new');

    toggle.addEventListener('click', () => {
        panel.hidden = !panel.hidden;
        toggle.setAttribute('aria-expanded', String(!panel.hidden));
        status.textContent = '';
        if (!panel.hidden) {
            current.focus();
        }
    });

    const ended = (count) => (count === 1 ? '1 other session ended.' : `${count} other sessions ended.`);

    byId('password-form').addEventListener('submit', async (event) => {
        event.preventDefault();
        if (current.value === '' || next.value === '') {
            status.textContent = 'Enter your current and your new password.';
            return;
        }
        const tooShort = newPasswordProblem(next.value);
        if (tooShort) {
            status.textContent = tooShort;
            next.focus();
            return;
        }
        byId('password-submit').disabled = true;
        try {
            const result = await api.changePassword(current.value, next.value);
            current.value = '';
            next.value = '';
            status.textContent = `Password changed. ${ended(result.ended)}`;
        } catch (failed) {
            status.textContent = failed.message;
        } finally {
            byId('password-submit').disabled = false;
        }
    });

    byId('logout-others').addEventListener('click', async () => {
        byId('logout-others').disabled = true;
        try {
            status.textContent = ended((await api.logoutOthers()).ended);
        } catch (failed) {
            status.textContent = failed.message;
        } finally {
            byId('logout-others').disabled = false;
        }
    });
}

/** A new password's minimum, as the server has it. */
export function showAccountLimits() {
    byId('password-min').textContent = characters(limits.minPasswordLength);
    byId('password-new').minLength = limits.minPasswordLength;
}

/** Closes the panel and forgets what was typed (on logout). */
export function resetAccount() {
    byId('account').hidden = true;
    byId('account-toggle').setAttribute('aria-expanded', 'false');
    byId('password-current').value = '';
    byId('password-new').value = '';
    byId('account-status').textContent = '';
}
