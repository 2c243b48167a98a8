// The account panel: change the password (every other session ends) and log out other sessions.
import { api } from '../api.js';
import { byId } from './dom.js';

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

/** Closes the panel and forgets what was typed (on logout). */
export function resetAccount() {
    byId('account').hidden = true;
    byId('account-toggle').setAttribute('aria-expanded', 'false');
    byId('password-current').value = '';
    byId('password-new').value = '';
    byId('account-status').textContent = '';
}
