// The open room: header, message bubbles grouped by day and sender, links and @mentions, the
// "new messages" divider, membership notices, edit and delete on one's own messages with an
// "(edited)" mark, "load older", and the composer (drafts per room, outbox, mentions, editing).
import { limits } from '../limits.js';
import { keyOf } from '../store.js';
import { length, mentions, pieces } from '../text.js';
import { avatar, byId, clock, dayKey, dayLabel, el, fullTime, paintAvatar, toDate } from './dom.js';
import { MentionPicker } from './mentions.js';

const GROUP_SECONDS = 5 * 60;
const BOTTOM_SLACK_PX = 48;
const DRAFT = 'redis-chat.draft.';

function loadDraft(key) {
    try {
        return sessionStorage.getItem(DRAFT + key) || '';
    } catch (storageDisabled) {
        return '';
    }
}

function saveDraft(key, text) {
    try {
        if (text) {
            sessionStorage.setItem(DRAFT + key, text);
        } else {
            sessionStorage.removeItem(DRAFT + key);
        }
    } catch (storageDisabled) {
        // drafts then live only while the room is open
    }
}

/** Message text as nodes: links (http/https only, parsed by the browser) and @mentions; all of it textContent. */
function textNodes(text, me) {
    return pieces(text).map((piece) => {
        if (piece.href) {
            return el('a', { href: piece.href, target: '_blank', rel: 'noopener noreferrer', class: 'message__link', dir: 'ltr', text: piece.text });
        }
        if (piece.mention) {
            const mine = me !== null && mentions(piece.text, me);
            return el(mine ? 'mark' : 'span', { class: 'mention' + (mine ? ' mention--me' : ''), text: piece.text });
        }
        return piece.text;
    });
}

export class ConversationView {
    constructor(store, { onSend, onLoadOlder, onBack, onMute, searchPeople, onEdit, onDelete }) {
        this.store = store;
        this.scroller = byId('scroller');
        this.list = byId('messages');
        this.jump = byId('jump');
        this.olderButton = byId('load-older');
        this.historyStart = byId('history-start');
        this.text = byId('composer-text');
        this.sendButton = byId('send');
        this.error = byId('composer-error');
        this.count = byId('composer-count');
        this.muteButton = byId('mute');
        this.renderedRoomId = null;
        this.draftRoomId = null;
        this.nodes = new Map(); // message key + how it is drawn -> its <li>, reused so the log only ever grows
        this.errorFor = null; // what the shown error is about: 'empty', 'length', 'server'
        this.picker = new MentionPicker(this.text, searchPeople);
        this.editing = null; // the message whose text the composer holds, while editing
        this.onEdit = onEdit;
        this.onDelete = onDelete;
        byId('editing-cancel').addEventListener('click', () => this.stopEditing(true));

        byId('composer').addEventListener('submit', (event) => {
            event.preventDefault();
            this.submit(onSend);
        });
        this.text.addEventListener('keydown', (event) => {
            if (this.picker.handleKey(event)) {
                return;
            }
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                this.submit(onSend);
            } else if (event.key === 'ArrowUp' && this.text.value === '' && !this.editing) {
                const last = this.lastEditable();
                if (last) {
                    event.preventDefault();
                    this.startEditing(last);
                }
            } else if (event.key === 'Escape' && this.editing) {
                event.preventDefault();
                this.stopEditing(true);
            }
        });
        this.text.addEventListener('input', () => {
            this.hideError();
            this.fitComposer();
            this.showCount();
            this.keepDraft();
            this.picker.update();
        });
        this.text.addEventListener('blur', () => this.picker.close());
        this.olderButton.addEventListener('click', () => onLoadOlder());
        this.jump.addEventListener('click', () => this.scrollToBottom());
        this.scroller.addEventListener('scroll', () => {
            if (this.isAtBottom()) {
                this.jump.hidden = true;
            }
        });
        this.muteButton.addEventListener('click', () => {
            const room = this.store.activeRoom;
            if (room) {
                onMute(room, !room.muted);
            }
        });
        byId('back').addEventListener('click', () => onBack());
    }

    /** A new login: nothing drawn for the previous one is reused. */
    reset() {
        this.nodes.clear();
        this.list.replaceChildren();
        this.renderedRoomId = null;
        this.draftRoomId = null;
        this.text.value = '';
        this.hideError();
        this.picker.close();
    }

    /** My newest message in the open room that can still be edited (has an id, is not deleted). */
    lastEditable() {
        const room = this.store.activeRoom;
        if (!room) {
            return null;
        }
        for (let i = room.messages.length - 1; i >= 0; i--) {
            const m = room.messages[i];
            if (this.store.isMe(m.from) && m.id && !m.deleted) {
                return m;
            }
        }
        return null;
    }

    startEditing(message) {
        this.editing = message;
        this.text.value = message.message;
        byId('editing').hidden = false;
        this.fitComposer();
        this.hideError();
        this.picker.close();
        this.text.focus();
        this.text.setSelectionRange(this.text.value.length, this.text.value.length);
        this.render();
    }

    stopEditing(clear) {
        if (!this.editing) {
            return;
        }
        this.editing = null;
        byId('editing').hidden = true;
        if (clear) {
            this.text.value = '';
            this.keepDraft();
            this.fitComposer();
            this.showCount();
        }
        this.render();
    }

    async submitEdit() {
        const message = this.editing;
        const text = this.text.value;
        if (text.trim() === '') {
            this.showError('A message cannot be empty: delete it instead.', 'empty');
            return;
        }
        try {
            await this.onEdit(message, text.trim());
            if (this.editing === message) {
                this.stopEditing(true);
            }
        } catch (failed) {
            this.showError(`Not edited: ${failed.message}`, 'server');
        }
    }

    submit(onSend) {
        if (this.editing) {
            this.submitEdit();
            return;
        }
        // Sent trimmed, as the server keeps it: a pasted tail of blanks made a frame past 64 KiB, which closes the socket.
        const text = this.text.value.trim();
        if (text === '') {
            this.showError('Type a message first.', 'empty');
            this.text.focus();
            return;
        }
        const size = length(text);
        if (size > limits.maxMessageLength) {
            this.showError(`A message may have at most ${limits.maxMessageLength} characters; this one has ${size}.`, 'length');
            this.text.focus();
            return;
        }
        onSend(text);
        this.text.value = '';
        this.keepDraft();
        this.fitComposer();
        this.showCount();
        this.hideError();
        this.picker.close();
        this.text.focus();
    }

    /** The server refused one of mine: say why and give the text back if the box is empty. */
    serverError(message, refused) {
        this.showError(message, 'server');
        if (refused && this.text.value === '' && refused.roomId === this.store.activeRoomId) {
            this.text.value = refused.message;
            this.keepDraft();
            this.fitComposer();
            this.showCount();
        }
    }

    showError(message, about = 'other') {
        this.error.textContent = message;
        this.error.classList.remove('composer__error--info');
        this.error.hidden = false;
        this.errorFor = about;
    }

    /** Something that happened, not a fault (e.g. "You left # design"). */
    showNotice(message) {
        this.showError(message, 'notice');
        this.error.classList.add('composer__error--info');
    }

    hideError() {
        this.error.hidden = true;
        this.error.textContent = '';
        this.errorFor = null;
    }

    /** The draft of the room being left stays with that room (for the tab's life, reloads included). */
    switchDraft() {
        const room = this.store.activeRoom;
        if (!room || this.draftRoomId === room.id) {
            return;
        }
        this.draftRoomId = room.id;
        this.text.value = loadDraft(this.draftKey());
        this.hideError(); // an error was about the other room's text
        this.picker.close();
        this.fitComposer();
        this.showCount();
    }

    draftKey() {
        return `${this.store.me ? this.store.me.id : ''}.${this.draftRoomId}`;
    }

    keepDraft() {
        if (this.draftRoomId !== null) {
            saveDraft(this.draftKey(), this.text.value);
        }
    }

    /** The length only when it matters: near or over the limit, before anything is sent. */
    showCount() {
        const size = length(this.text.value.trim());
        const max = limits.maxMessageLength;
        this.count.textContent = size > max - Math.min(500, Math.ceil(max / 10)) ? `${size.toLocaleString()}/${max.toLocaleString()}` : '';
        this.count.classList.toggle('composer__count--over', size > max);
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
        // Sending stays possible: what is typed meanwhile waits in the outbox.
        this.sendButton.title = connected ? '' : 'Not connected: messages wait in the outbox';
        this.updateComposer();
    }

    /** An archived channel is read-only. */
    updateComposer() {
        const room = this.store.activeRoom;
        const archived = Boolean(room && room.channel && room.channel.archived);
        this.sendButton.disabled = archived;
        if (archived) {
            this.sendButton.title = 'This channel is archived';
        }
        this.text.disabled = archived;
        this.text.placeholder = archived ? 'This channel is archived: it is read-only.' : 'Write a message…';
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
        const channel = room.channel;
        byId('channel-members').hidden = !channel;
        byId('channel-leave').hidden = !channel;
        byId('room-hide').hidden = partner === null;
        this.updateComposer();
        if (this.editing && this.editing.roomId !== room.id) {
            this.stopEditing(true);
        }
        let subtitle;
        if (channel) {
            subtitle = (channel.archived ? 'Archived · ' : '') + (channel.kind === 'private' ? 'Private channel' : 'Public channel')
                + (this.store.isMe(channel.creator) ? ' · you created it' : ` · created by ${this.store.userName(channel.creator)}`);
        } else if (partner === null) {
            subtitle = `Everyone · ${this.store.onlineCount()} online`;
        } else {
            const user = this.store.users.get(partner);
            subtitle = user && user.online ? 'Online' : 'Offline';
        }
        if (!this.store.storeAvailable || this.store.connection.state !== 'open') {
            subtitle += ' (may be out of date)';
        }
        byId('room-subtitle').textContent = subtitle;
        this.muteButton.textContent = room.muted ? 'Unmute' : 'Mute';
        this.muteButton.setAttribute('aria-pressed', String(room.muted));
        this.muteButton.title = room.muted ? 'Notifications from this room are off' : 'Turn off notifications from this room';
    }

    /**
     * Redraws the open room. New messages scroll into view only if the reader was already at the
     * bottom (or sent one); older pages keep what the reader was looking at in place.
     */
    render({ added = [], older = false, changed = [] } = {}) {
        const room = this.store.activeRoom;
        if (!room) {
            return;
        }
        if (this.editing && changed.some((m) => m.deleted && m.id === this.editing.id)) {
            // Deleted in another tab: what was typed stays, to send as a new message or clear (Esc threw it away).
            this.stopEditing(false);
            this.showError('The message you were editing was deleted; your text is still here, to send as a new message.', 'notice');
        }
        this.switchDraft();
        const switched = this.renderedRoomId !== room.id;
        const wasAtBottom = this.isAtBottom();
        const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;

        this.patch(this.items(room));
        this.olderButton.hidden = !room.hasOlder;
        this.olderButton.disabled = room.loadingOlder;
        this.olderButton.textContent = room.loadingOlder ? 'Loading…' : 'Load older messages';
        this.historyStart.hidden = room.hasOlder || !room.loaded;
        this.renderedRoomId = room.id;

        const divider = this.list.querySelector('.unread-divider');
        if (switched && divider) {
            divider.scrollIntoView({ block: 'center' });
            this.jump.hidden = this.isAtBottom();
        } else if (switched) {
            this.scrollToBottom();
        } else if (older) {
            this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
        } else if (wasAtBottom || added.some((m) => this.store.isMe(m.from))) {
            this.scrollToBottom();
        } else if (added.length > 0) {
            this.jump.hidden = false;
        }
    }

    /**
     * Puts the items in the list. When the list only grew at the end (the usual case: a new
     * message) the old nodes stay where they are, so the log's live region reads out the new
     * ones only; anything else replaces the list.
     */
    patch(items) {
        const current = this.list.children;
        const grows = current.length <= items.length && [...current].every((node, i) => node === items[i]);
        if (grows) {
            this.list.append(...items.slice(current.length));
        } else {
            this.list.replaceChildren(...items);
        }
        const keep = new Set(items);
        for (const [key, node] of this.nodes) {
            if (!keep.has(node)) {
                this.nodes.delete(key);
            }
        }
    }

    /** The node for a key, drawn once: same key, same drawing. */
    node(key, draw) {
        let node = this.nodes.get(key);
        if (!node) {
            node = draw();
            this.nodes.set(key, node);
        }
        return node;
    }

    items(room) {
        const nodes = [];
        let previous = null;
        if (room.loaded && room.messages.length === 0 && this.store.pendingIn(room.id).length === 0) {
            nodes.push(this.node('empty', () => el('li', { class: 'messages__empty', text: 'No messages yet. Say hello!' })));
        }
        let notice = 0;
        let afterNotice = false;
        const noticesUntil = (date) => {
            while (notice < room.notices.length && room.notices[notice].date <= date) {
                const text = room.notices[notice].text;
                nodes.push(this.node(`notice:${room.id}:${notice}`, () => el('li', { class: 'notice', role: 'status', text })));
                notice++;
                afterNotice = true;
            }
        };
        for (const message of room.messages) {
            const date = toDate(message.date);
            const newDay = previous === null || dayKey(toDate(previous.date)) !== dayKey(date);
            if (newDay) {
                const label = dayLabel(date);
                nodes.push(this.node(`day:${dayKey(date)}:${label}`,
                    () => el('li', { class: 'day', role: 'separator' }, el('span', { text: label }))));
            }
            noticesUntil(message.date); // after the day's separator: a notice is of the day it happened
            const key = keyOf(message);
            const divided = room.dividerBefore === key;
            if (divided) {
                nodes.push(this.node('divider:' + key, () => el('li', {
                    class: 'unread-divider', role: 'separator', 'aria-label': 'New messages',
                }, el('span', { text: 'New messages' }))));
            }
            const continued = !newDay && !divided && !afterNotice && previous.from === message.from
                && message.date - previous.date < GROUP_SECONDS;
            afterNotice = false;
            const name = this.store.userName(message.from);
            const tools = this.toolsFor(message, room);
            const editing = this.editing !== null && this.editing.id === message.id;
            // The state is part of the key: an edit, a deletion or the editing mark draws the message again.
            nodes.push(this.node(`m:${key}:${continued}:${name}:${message.edited}:${message.deleted}:${tools}:${editing}`,
                () => this.bubble(message, date, continued, name, tools, editing)));
            previous = message;
        }
        noticesUntil(Infinity);
        for (const entry of this.store.pendingIn(room.id)) {
            const waiting = this.store.connection.state !== 'open' || !this.store.storeAvailable;
            nodes.push(this.node(`out:${entry.clientId}:${waiting}`, () => this.pendingBubble(entry, waiting)));
        }
        return nodes;
    }

    /** 'edit' (mine: edit and delete), 'delete' (anyone's, in a channel I created) or '' (none). */
    toolsFor(message, room) {
        if (!message.id || message.deleted || (room.channel && room.channel.archived)) {
            return '';
        }
        if (this.store.isMe(message.from)) {
            return 'edit';
        }
        return room.channel && this.store.isMe(room.channel.creator) ? 'delete' : '';
    }

    bubble(message, date, continued, name, tools, editing) {
        const own = this.store.isMe(message.from);
        const me = this.store.me ? this.store.me.username : null;
        const mentionsMe = !own && !message.deleted && me !== null && mentions(message.message, me);
        return el('li', {
            class: 'message' + (own ? ' message--own' : '') + (continued ? ' message--continued' : '')
                + (mentionsMe ? ' message--mentions-me' : '') + (message.deleted ? ' message--deleted' : '')
                + (editing ? ' message--editing' : ''),
            dataset: { id: message.id || '', from: message.from },
        },
        own ? null : (continued ? el('span', { class: 'message__gutter' }) : avatar(name, 'message__avatar')),
        el('div', { class: 'bubble' },
            continued ? null : el('span', { class: 'message__sender', text: own ? 'You' : name }),
            el('p', { class: 'message__text' }, message.deleted ? message.message : textNodes(message.message, me)),
            el('span', { class: 'message__time' },
                message.edited && !message.deleted
                    ? el('span', { class: 'message__edited', title: `Edited ${fullTime(toDate(message.edited))}`, text: '(edited)' }) : null,
                el('time', { datetime: date.toISOString(), title: fullTime(date), text: clock(date) }))),
        tools ? el('span', { class: 'message__tools' },
            tools === 'edit' ? el('button', { class: 'message__tool', type: 'button', text: 'Edit', 'aria-label': 'Edit message',
                onclick: () => this.startEditing(message) }) : null,
            el('button', { class: 'message__tool', type: 'button', text: 'Delete', 'aria-label': 'Delete message',
                onclick: () => this.onDelete(message) })) : null);
    }

    pendingBubble(entry, waiting) {
        const me = this.store.me ? this.store.me.username : null;
        return el('li', { class: 'message message--own message--pending', dataset: { clientId: entry.clientId } },
            el('div', { class: 'bubble' },
                el('p', { class: 'message__text' }, textNodes(entry.message, me)),
                el('span', { class: 'message__time', text: waiting ? 'Waiting for the connection…' : 'Sending…' })));
    }
}
