// The sidebar: my rooms (last message, time, unread count) and the people I know of with live
// online dots. Clicking a person opens the private room with them.
import { avatar, byId, el, paintAvatar, replaceChildrenKeepingFocus, shortTime, toDate } from './dom.js';

export function renderMe(store) {
    byId('me-name').textContent = store.me.username;
    paintAvatar(byId('me-avatar'), store.me.username);
}

export function renderRooms(store, onOpen) {
    const items = store.sortedRooms().map((room) => {
        const title = store.roomTitle(room);
        const partner = store.partnerOf(room);
        const online = partner !== null && store.users.has(partner) && store.users.get(partner).online;
        const last = room.last;
        const active = room.id === store.activeRoomId;
        const preview = last
            ? (store.isMe(last.from) ? 'You: ' : room.id === '0' ? store.userName(last.from) + ': ' : '') + last.message
            : 'No messages yet';
        const unreadLabel = room.unread > 0 ? `, ${room.unread} unread` : '';
        const button = el('button', {
            class: 'room' + (active ? ' room--active' : '') + (room.unread > 0 ? ' room--unread' : ''),
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
                el('span', { class: 'room__name', text: title }),
                last ? el('time', { class: 'room__time', datetime: toDate(last.date).toISOString(), text: shortTime(toDate(last.date)) }) : null),
            el('span', { class: 'room__bottom' },
                el('span', { class: 'room__preview', text: preview }),
                room.unread > 0 ? el('span', { class: 'badge', text: room.unread > 99 ? '99+' : String(room.unread) }) : null)));
        return el('li', {}, button);
    });
    replaceChildrenKeepingFocus(byId('rooms'), items);
}

export function renderPeople(store, onOpen) {
    const people = [...store.users.values()]
        .filter((u) => !store.isMe(u.id))
        .sort((a, b) => (b.online - a.online) || a.username.localeCompare(b.username));
    const online = people.filter((u) => u.online).length;
    byId('online-count').textContent = `${online} online`;
    const items = people.map((user) => el('li', {},
        el('button', {
            class: 'person' + (user.online ? ' person--online' : ''),
            type: 'button',
            dataset: { key: user.id, userId: user.id },
            'aria-label': `Chat with ${user.username} (${user.online ? 'online' : 'offline'})`,
            onclick: () => onOpen(user.id),
        },
        el('span', { class: 'room__avatar' }, avatar(user.username), el('span', { class: 'dot' + (user.online ? ' dot--online' : '') })),
        el('span', { class: 'person__name', text: user.username }),
        el('span', { class: 'person__status', text: user.online ? 'online' : 'offline' }))));
    if (items.length === 0) {
        items.push(el('li', { class: 'people__empty', text: 'Nobody else here yet.' }));
    }
    replaceChildrenKeepingFocus(byId('people'), items);
}
