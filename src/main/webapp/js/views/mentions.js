// "@na" in the composer offers matching people from the directory; arrows move, Enter or Tab
// picks, Escape closes. What is inserted is plain text ("@Name "), as the seed's clients show it.
import { byId, el } from './dom.js';

const TOKEN = /(?:^|[^\p{L}\p{Nd}_.\-])@([\p{L}\p{Nd}_.\-]{0,32})$/u;
const DEBOUNCE_MS = 120;

export class MentionPicker {
    /** @param search (prefix) => Promise<[{id, username, online}]> */
    constructor(textarea, search) {
        this.text = textarea;
        this.search = search;
        this.list = byId('mention-list');
        this.options = [];
        this.selected = 0;
        this.timer = null;
        this.asked = 0;
    }

    /** The "@prefix" just before the caret, or null. */
    token() {
        const before = this.text.value.slice(0, this.text.selectionStart);
        const match = TOKEN.exec(before);
        return match ? { prefix: match[1], start: before.length - match[1].length - 1 } : null;
    }

    update() {
        clearTimeout(this.timer);
        const token = this.token();
        if (!token) {
            this.close();
            return;
        }
        const asked = ++this.asked;
        this.timer = setTimeout(async () => {
            let people = [];
            try {
                people = await this.search(token.prefix);
            } catch (failed) {
                people = [];
            }
            if (asked === this.asked) {
                this.show(people);
            }
        }, DEBOUNCE_MS);
    }

    show(people) {
        this.options = people.slice(0, 6);
        if (this.options.length === 0) {
            this.close();
            return;
        }
        this.selected = 0;
        this.paint();
        this.list.hidden = false;
        this.text.setAttribute('aria-expanded', 'true');
    }

    paint() {
        this.list.replaceChildren(...this.options.map((user, i) => el('li', {
            id: `mention-${i}`,
            class: 'mentions__option' + (i === this.selected ? ' mentions__option--selected' : ''),
            role: 'option',
            'aria-selected': String(i === this.selected),
            dataset: { username: user.username },
            onmousedown: (event) => {
                event.preventDefault(); // keep the focus in the composer
                this.selected = i;
                this.choose();
            },
        }, el('span', { class: 'mentions__name', text: '@' + user.username }),
        el('span', { class: 'mentions__status', text: user.online ? 'online' : '' }))));
        this.text.setAttribute('aria-activedescendant', `mention-${this.selected}`);
    }

    get open() {
        return !this.list.hidden;
    }

    /** Keys for the list while it is open; true when the key was used. */
    handleKey(event) {
        if (!this.open) {
            return false;
        }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            const step = event.key === 'ArrowDown' ? 1 : -1;
            this.selected = (this.selected + step + this.options.length) % this.options.length;
            this.paint();
        } else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
            this.choose();
        } else if (event.key === 'Escape') {
            this.close();
        } else {
            return false;
        }
        event.preventDefault();
        return true;
    }

    choose() {
        const user = this.options[this.selected];
        const token = this.token();
        if (user && token) {
            const caret = this.text.selectionStart;
            const inserted = `@${user.username} `;
            this.text.setRangeText(inserted, token.start, caret, 'end');
            this.text.dispatchEvent(new Event('input', { bubbles: true }));
        }
        this.close();
    }

    close() {
        clearTimeout(this.timer);
        this.asked++;
        this.list.hidden = true;
        this.list.replaceChildren();
        this.options = [];
        this.text.setAttribute('aria-expanded', 'false');
        this.text.removeAttribute('aria-activedescendant');
    }
}
