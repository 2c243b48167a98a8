// Small DOM helpers. Text always goes in through textContent: user data never becomes markup.

/** el('li', {class: 'x', dataset: {id: '1'}, text: 'hi'}, child, ...) */
export function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (key === 'class') {
            node.className = value;
        } else if (key === 'text') {
            node.textContent = value;
        } else if (key === 'dataset') {
            Object.assign(node.dataset, value);
        } else if (key.startsWith('on')) {
            node.addEventListener(key.slice(2), value);
        } else if (value === true) {
            node.setAttribute(key, '');
        } else {
            node.setAttribute(key, String(value));
        }
    }
    for (const child of children.flat()) {
        if (child !== null && child !== undefined && child !== false) {
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
    }
    return node;
}

export const byId = (id) => document.getElementById(id);

/** Replaces a list's items, putting keyboard focus back on the item (by data-key) that had it. */
export function replaceChildrenKeepingFocus(container, children) {
    const focused = container.contains(document.activeElement) ? document.activeElement.closest('[data-key]') : null;
    const key = focused ? focused.dataset.key : null;
    container.replaceChildren(...children);
    if (key !== null) {
        const again = [...container.querySelectorAll('[data-key]')].find((n) => n.dataset.key === key);
        if (again) {
            again.focus({ preventScroll: true });
        }
    }
}

/** Up/Down (and Home/End) move the focus between a list's buttons, as in a menu. */
export function arrowKeys(container) {
    container.addEventListener('keydown', (event) => {
        if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) {
            return;
        }
        const buttons = [...container.querySelectorAll('button')];
        const at = buttons.indexOf(document.activeElement);
        if (at < 0 || buttons.length === 0) {
            return;
        }
        event.preventDefault();
        const to = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1
            : Math.min(buttons.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)));
        buttons[to].focus();
    });
}

const PALETTE_SIZE = 10;

function hash(text) {
    let h = 0;
    for (const ch of text) {
        h = (h * 31 + ch.codePointAt(0)) >>> 0;
    }
    return h;
}

export function initials(name) {
    const parts = String(name).split(/[\s._-]+/).filter(Boolean);
    const letters = parts.length > 1 ? [...parts[0]][0] + [...parts[1]][0] : [...String(name)].slice(0, 2).join('');
    return letters.toUpperCase() || '?';
}

/** Fills an avatar element: initials on a colour chosen from the name (a class, so CSP needs no inline style). */
export function paintAvatar(node, name) {
    node.textContent = initials(name);
    for (const cls of [...node.classList]) {
        if (cls.startsWith('avatar--c')) {
            node.classList.remove(cls);
        }
    }
    node.classList.add('avatar', `avatar--c${hash(String(name)) % PALETTE_SIZE}`);
    return node;
}

export function avatar(name, extraClass = '') {
    return paintAvatar(el('span', { class: extraClass, 'aria-hidden': 'true' }), name);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

export const toDate = (unixSeconds) => new Date(unixSeconds * 1000);

function startOfDay(date) {
    return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

export function dayKey(date) {
    return startOfDay(date);
}

export function dayLabel(date) {
    const days = Math.round((startOfDay(new Date()) - startOfDay(date)) / 86400000);
    if (days === 0) {
        return 'Today';
    }
    if (days === 1) {
        return 'Yesterday';
    }
    return dayFormat.format(date);
}

export const clock = (date) => timeFormat.format(date);
export const fullTime = (date) => fullFormat.format(date);

/** Time for a list: the clock today, the date before. */
export function shortTime(date) {
    return startOfDay(date) === startOfDay(new Date()) ? timeFormat.format(date) : shortDateFormat.format(date);
}

export function timeElement(date, text, className) {
    return el('time', { class: className, datetime: date.toISOString(), title: fullTime(date), text });
}
