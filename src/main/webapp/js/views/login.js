// The login form: a new name registers, a known one logs in; the server's message on failure.
import { api } from '../api.js';
import { byId } from './dom.js';

export function setUpLogin(onLoggedIn) {
    const form = byId('login-form');
    const username = byId('login-username');
    const password = byId('login-password');
    const error = byId('login-error');
    const submit = byId('login-submit');

    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const name = username.value.trim();
        if (name === '' || password.value === '') {
            error.textContent = name === '' ? 'Enter a username.' : 'Enter a password.';
            (name === '' ? username : password).focus();
            return;
        }
        submit.disabled = true;
        error.textContent = '';
        try {
            const user = await api.login(name, password.value);
            password.value = '';
            onLoggedIn(user);
        } catch (failed) {
            error.textContent = failed.message;
            password.select();
            password.focus();
        } finally {
            submit.disabled = false;
        }
    });
}

/** Shows the form, pre-filled with a random free name unless a name is given. */
export async function showLogin({ message = '', name = '' } = {}) {
    byId('chat').hidden = true;
    byId('starting').hidden = true;
    byId('login').hidden = false;
    byId('login-error').textContent = message;
    const username = byId('login-username');
    const password = byId('login-password');
    password.value = '';
    username.value = name;
    (name ? password : username).focus();
    if (!name) {
        try {
            const random = await api.randomName();
            if (username.value === '' && random && random.username) {
                username.value = random.username;
                username.select();
            }
        } catch (unreachable) {
            // the form still works with a typed name
        }
    }
}
