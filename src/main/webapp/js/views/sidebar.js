// The sidebar: my rooms in two groups, channels (General first) and direct messages (last
// message, time, unread and mention counts), and People: the directory of every user, searchable
// by name, with live online dots. Clicking a person opens the private room with them. Lists keep
// their order while the pointer or focus is in them.
import { avatar, byId, el, paintAvatar, replaceChildrenKeepingFocus, shortTime, toDate } from './dom.js';

export function renderMe(store) {
    byId('me-name').textContent = store.me.username;
    byId('password-username').value = store.me.username;
    paintAvatar(byId('me-avatar'), store.me.username);
}

let shownOrder = [];

// A touch screen's last tap counts as :hover until the next tap, and a phone's list fills the screen.
const touchFirst = matchMedia('(pointer: coarse)');

/** Whether the user is pointing at or moving through the room list: then nothing moves under them. */
function held(list) {
    return (!touchFirst.matches && list.matches(':hover')) || list.contains(document.activeElement);
}

function roomOrder(store, list) {
    const sorted = store.sortedRooms();
    if (!held(list) || shownOrder.length === 0) {
        return sorted;
    }
    const byId = new Map(sorted.map((room) => [room.id, room]));
    const kept = shownOrder.filter((id) => byId.has(id)).map((id) => byId.get(id));
    return kept.concat(sorted.filter((room) => !shownOrder.includes(room.id)));
}

export function renderRooms(store, onOpen) {
    const section = byId('rooms').closest('nav');
    const rooms = roomOrder(store, section);
    shownOrder = rooms.map((room) => room.id);
    const isDirect = (room) => store.partnerOf(room) !== null;
    replaceChildrenKeepingFocus(byId('rooms'), roomItems(store, rooms.filter((room) => !isDirect(room)), onOpen));
    const directItems = roomItems(store, rooms.filter(isDirect), onOpen);
    if (directItems.length === 0) {
        directItems.push(el('li', { class: 'people__empty', text: 'Pick someone under People to start a conversation.' }));
    }
    replaceChildrenKeepingFocus(byId('direct-rooms'), directItems);
}

function roomItems(store, rooms, onOpen) {
    return rooms.map((room) => {
        const title = store.roomTitle(room);
        const partner = store.partnerOf(room);
        const online = partner !== null && store.users.has(partner) && store.users.get(partner).online;
        const last = room.last;
        const active = room.id === store.activeRoomId;
        const archived = room.channel && room.channel.archived;
        const preview = archived ? 'Archived' : last
            ? (store.isMe(last.from) ? 'You: ' : partner === null ? store.userName(last.from) + ': ' : '') + last.message
            : 'No messages yet';
        const unreadLabel = (room.unread > 0 ? `, ${room.unread} unread` : '')
            + (room.mentions > 0 ? `, ${room.mentions} mention${room.mentions > 1 ? 's' : ''}` : '')
            + (room.muted ? ', muted' : '');
        const button = el('button', {
            class: 'room' + (active ? ' room--active' : '') + (room.unread > 0 ? ' room--unread' : '')
                + (room.muted ? ' room--muted' : '') + (archived ? ' room--archived' : ''),
            type: 'button',
            dataset: { key: room.id, roomId: room.id },
            'aria-current': active ? 'true' : null,
            'aria-label': `${title}${partner !== null ? (online ? ', online' : ', offline') : ''}${unreadLabel}`,
            onclick: () => onOpen(room.id),
        },
        el('span', { class: 'room__avatar' }, avatar(title),
            partner !== null ? el('span', { class: 'dot' + (online ? ' dot--online' : '') }) : null),
        el('span', { class: 'room__body' },
            el('span', { class: 'room__top' },
                el('span', { class: 'room__name', title, text: title }),
                last ? el('time', { class: 'room__time', datetime: toDate(last.date).toISOString(), text: shortTime(toDate(last.date)) }) : null),
            el('span', { class: 'room__bottom' },
                el('span', { class: 'room__preview', text: preview }),
                room.mentions > 0 ? el('span', { class: 'badge badge--mention', title: 'Mentions of you', text: '@' + (room.mentions > 99 ? '99+' : room.mentions) }) : null,
                room.unread > 0 ? el('span', { class: 'badge' + (room.muted ? ' badge--muted' : ''), text: room.unread > 99 ? '99+' : String(room.unread) }) : null)));
        return el('li', {}, button);
    });
}

/**
 * People: the directory's pages for the search box's prefix (everyone when empty), in name
 * order, so presence changes never reorder it; dots follow the live presence events.
 */
export class PeopleView {
    /** @param search (prefix, after) => Promise<{users, next}>; onOpen(userId) */
    constructor(store, { search, onOpen }) {
        this.store = store;
        this.search = search;
        this.onOpen = onOpen;
        this.input = byId('people-search');
        this.more = byId('people-more');
        this.query = '';
        this.ids = [];
        this.next = null;
        this.asked = 0;
        this.failed = null;
        this.timer = null;
        this.input.addEventListener('input', () => {
            clearTimeout(this.timer);
            this.timer = setTimeout(() => this.load(this.input.value.trim()), 200);
        });
        this.input.addEventListener('keydown', (event) => {
            if (event.key === 'ArrowDown') {
                const first = byId('people').querySelector('button');
                if (first) {
                    event.preventDefault();
                    first.focus();
                }
            }
        });
        this.more.addEventListener('click', () => this.load(this.query, this.next));
    }

    reset() {
        this.input.value = '';
        this.query = '';
        this.ids = [];
        this.next = null;
        this.asked++;
    }

    /** The first page for a prefix, or the page after a cursor. */
    async load(query, after = null) {
        const asked = ++this.asked;
        try {
            const page = await this.search(query, after);
            if (asked !== this.asked) {
                return;
            }
            this.failed = null;
            this.store.upsertUsers(page.users || []);
            const ids = (page.users || []).map((u) => String(u.id)).filter((id) => !this.store.isMe(id));
            this.query = query;
            this.ids = after ? this.ids.concat(ids.filter((id) => !this.ids.includes(id))) : ids;
            this.next = page.next || null;
        } catch (failed) {
            if (asked === this.asked) {
                this.failed = `People could not be loaded: ${failed.message}`;
            }
        }
        this.render();
    }

    render() {
        byId('online-count').textContent = `${this.store.onlineCount()} online`;
        const items = this.ids.map((id) => this.store.users.get(id)).filter(Boolean).map((user) => el('li', {},
            el('button', {
                class: 'person' + (user.online ? ' person--online' : ''),
                type: 'button',
                dataset: { key: user.id, userId: user.id },
                'aria-label': `Chat with ${user.username} (${user.online ? 'online' : 'offline'})`,
                onclick: () => this.onOpen(user.id),
            },
            el('span', { class: 'room__avatar' }, avatar(user.username), el('span', { class: 'dot' + (user.online ? ' dot--online' : '') })),
            el('span', { class: 'person__name', title: user.username, text: user.username }), // whole on hover where cut with '…'
            el('span', { class: 'person__status', text: user.online ? 'online' : 'offline' }))));
        if (items.length === 0) {
            const text = this.failed || (this.query ? `Nobody’s name starts with “${this.query}”.` : 'Nobody else here yet.');
            items.push(el('li', { class: 'people__empty', text }));
        }
        replaceChildrenKeepingFocus(byId('people'), items);
        this.more.hidden = this.next === null;
    }
}
