// The open room: header, message bubbles grouped by day and sender, "load older", the composer.
import { avatar, byId, clock, dayKey, dayLabel, el, fullTime, paintAvatar, toDate } from './dom.js';

const GROUP_SECONDS = 5 * 60;
const BOTTOM_SLACK_PX = 48;

export class ConversationView {
    constructor(store, { onSend, onLoadOlder, onBack }) {
        this.store = store;
        this.scroller = byId('scroller');
        this.list = byId('messages');
        this.jump = byId('jump');
        this.olderButton = byId('load-older');
        this.historyStart = byId('history-start');
        this.text = byId('composer-text');
        this.sendButton = byId('send');
        this.error = byId('composer-error');
        this.announcer = byId('announcer');
        this.renderedRoomId = null;
        this.lastSent = null;

        byId('composer').addEventListener('submit', (event) => {
            event.preventDefault();
            this.submit(onSend);
        });
        this.text.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                this.submit(onSend);
            }
        });
        this.text.addEventListener('input', () => {
            this.hideError();
            this.fitComposer();
        });
        this.olderButton.addEventListener('click', () => onLoadOlder());
        this.jump.addEventListener('click', () => this.scrollToBottom());
        this.scroller.addEventListener('scroll', () => {
            if (this.isAtBottom()) {
                this.jump.hidden = true;
            }
        });
        byId('back').addEventListener('click', () => onBack());
    }

    submit(onSend) {
        const text = this.text.value;
        if (text.trim() === '') {
            this.showError('Type a message first.');
            this.text.focus();
            return;
        }
        if (onSend(text)) {
            this.lastSent = text;
            this.text.value = '';
            this.fitComposer();
            this.hideError();
        } else {
            this.showError('Not connected: your message is kept here and can be sent once the connection is back.');
        }
        this.text.focus();
    }

    /** The server refused the last frame: say why and give the text back if the box is empty. */
    serverError(message) {
        this.showError(message);
        if (this.text.value === '' && this.lastSent !== null) {
            this.text.value = this.lastSent;
            this.fitComposer();
        }
        this.lastSent = null;
    }

    showError(message) {
        this.error.textContent = message;
        this.error.hidden = false;
    }

    hideError() {
        this.error.hidden = true;
        this.error.textContent = '';
    }

    fitComposer() {
        // CSSOM, not a style attribute: allowed by the CSP. The borders count too (border-box).
        this.text.style.height = 'auto';
        const borders = this.text.offsetHeight - this.text.clientHeight;
        const wanted = this.text.scrollHeight + borders;
        this.text.style.height = Math.min(wanted, 160) + 'px';
        this.text.classList.toggle('composer__text--scrolls', wanted > 160);
    }

    setConnected(connected) {
        this.sendButton.disabled = !connected;
        this.sendButton.title = connected ? '' : 'Reconnecting…';
    }

    isAtBottom() {
        const s = this.scroller;
        return s.scrollHeight - s.scrollTop - s.clientHeight <= BOTTOM_SLACK_PX;
    }

    scrollToBottom() {
        this.scroller.scrollTop = this.scroller.scrollHeight;
        this.jump.hidden = true;
    }

    renderHeader() {
        const room = this.store.activeRoom;
        if (!room) {
            return;
        }
        const title = this.store.roomTitle(room);
        byId('room-title').textContent = title;
        paintAvatar(byId('room-avatar'), title);
        const partner = this.store.partnerOf(room);
        let subtitle;
        if (partner === null) {
            const online = [...this.store.users.values()].filter((u) => u.online).length;
            subtitle = `Everyone · ${online} online`;
        } else {
            const user = this.store.users.get(partner);
            subtitle = user && user.online ? 'Online' : 'Offline';
        }
        byId('room-subtitle').textContent = subtitle;
    }

    /**
     * Redraws the open room. New messages scroll into view only if the reader was already at the
     * bottom (or sent one); older pages keep what the reader was looking at in place.
     */
    render({ added = [], older = false } = {}) {
        const room = this.store.activeRoom;
        if (!room) {
            return;
        }
        const switched = this.renderedRoomId !== room.id;
        const wasAtBottom = this.isAtBottom();
        const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;

        this.list.replaceChildren(...this.items(room));
        this.olderButton.hidden = !room.hasOlder;
        this.olderButton.disabled = room.loadingOlder;
        this.olderButton.textContent = room.loadingOlder ? 'Loading…' : 'Load older messages';
        this.historyStart.hidden = room.hasOlder || !room.loaded;
        this.renderedRoomId = room.id;

        if (switched) {
            this.scrollToBottom();
        } else if (older) {
            this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
        } else if (wasAtBottom || added.some((m) => this.store.isMe(m.from))) {
            this.scrollToBottom();
        } else if (added.length > 0) {
            this.jump.hidden = false;
        }
        const incoming = added.filter((m) => !this.store.isMe(m.from));
        if (!older && incoming.length > 0) {
            const m = incoming[incoming.length - 1];
            this.announcer.textContent = `${this.store.userName(m.from)}: ${m.message}`;
        }
    }

    items(room) {
        const nodes = [];
        let previous = null;
        if (room.loaded && room.messages.length === 0) {
            nodes.push(el('li', { class: 'messages__empty', text: 'No messages yet. Say hello!' }));
        }
        for (const message of room.messages) {
            const date = toDate(message.date);
            const newDay = previous === null || dayKey(toDate(previous.date)) !== dayKey(date);
            if (newDay) {
                nodes.push(el('li', { class: 'day', role: 'separator' }, el('span', { text: dayLabel(date) })));
            }
            const continued = !newDay && previous.from === message.from && message.date - previous.date < GROUP_SECONDS;
            nodes.push(this.bubble(message, date, continued));
            previous = message;
        }
        return nodes;
    }

    bubble(message, date, continued) {
        const own = this.store.isMe(message.from);
        const name = this.store.userName(message.from);
        return el('li', {
            class: 'message' + (own ? ' message--own' : '') + (continued ? ' message--continued' : ''),
            dataset: { id: message.id || '', from: message.from },
        },
        own ? null : (continued ? el('span', { class: 'message__gutter' }) : avatar(name, 'message__avatar')),
        el('div', { class: 'bubble' },
            continued ? null : el('span', { class: 'message__sender', text: own ? 'You' : name }),
            el('p', { class: 'message__text', text: message.message }),
            el('time', { class: 'message__time', datetime: date.toISOString(), title: fullTime(date), text: clock(date) })));
    }
}
