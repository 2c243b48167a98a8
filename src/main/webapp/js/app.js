// Wires the pieces together: session restore, login/logout, the socket and its catch-up, the
// read state, the outbox, notifications, rendering.
import { api } from './api.js';
import { ChatSocket } from './socket.js';
import { GENERAL, Store, isChannel, markerIsAfter, normalizeMessage, privateMembers } from './store.js';
import { RoomSync } from './sync.js';
import { mentions } from './text.js';
import { loadLimits } from './limits.js';
import { setUpLogin, showLogin, showLoginLimits } from './views/login.js';
import { resetAccount, setUpAccount, showAccountLimits } from './views/account.js';
import { PeopleView, renderMe, renderRooms } from './views/sidebar.js';
import { ConversationView } from './views/conversation.js';
import { ChannelDialogs, confirmDelete } from './views/channels.js';
import { arrowKeys, byId } from './views/dom.js';

const store = new Store();
const phone = window.matchMedia('(max-width: 720px)');
let socket = null;
let conversation = null;
let people = null;
let channelDialogs = null;
let sync = null; // one per login
let bannerTimer = null;
let inFlight = []; // clientIds sent on the current socket, oldest first: an error frame answers the oldest
let markTimer = null;
const unsentReads = new Map(); // room id -> marker read here, not yet sent

// Whether this browser was logged in when it last knew: asking /api/me without a session answers
// 401, which a browser reports as a console error, so a first visit goes straight to the form.
const SESSION_HINT = 'redis-chat.session';
const NOTIFY = 'redis-chat.notify';
const LAST_ROOM = 'redis-chat.room.';
const OUTBOX = 'redis-chat.outbox.';
const STORE_DOWN = 'The chat store is unavailable';
const RESEND_AFTER_MS = 2000;

function storage(kind, key, value) {
    try {
        const area = kind === 'session' ? sessionStorage : localStorage;
        if (value === undefined) {
            return area.getItem(key);
        }
        if (value === null) {
            area.removeItem(key);
        } else {
            area.setItem(key, value);
        }
    } catch (storageDisabled) {
        // without storage the feature lasts as long as the page
    }
    return null;
}

function rememberSession(loggedIn) {
    storage('local', SESSION_HINT, loggedIn ? '1' : null);
}

function maySession() {
    try {
        return localStorage.getItem(SESSION_HINT) !== null;
    } catch (storageDisabled) {
        return true;
    }
}

// ---- events from the server

function onEvent(type, data) {
    if (!data || typeof data !== 'object') {
        return;
    }
    switch (type) {
        case 'message': {
            const message = normalizeMessage(data);
            if (!message) {
                return;
            }
            let room = store.room(message.roomId);
            if (!room) {
                room = store.addRoom(message.roomId, []);
                sync.readStateOf(room);
                sync.loadLatest(room);
                if (isChannel(room.id)) {
                    sync.refreshRooms(); // its name and kind
                }
            }
            const added = store.addMessages(room.id, [message], { fresh: true });
            if (!store.users.has(message.from)) {
                sync.resolveUnknownUsers();
            }
            if (added.length > 0) {
                notify(room, message);
            }
            break;
        }
        case 'user.connected':
        case 'user.disconnected':
            if (data.id !== undefined) {
                store.presenceChanged(data.id, data.username, type === 'user.connected');
            }
            break;
        case 'show.room': {
            const room = store.addRoom(data.id, data.names);
            sync.readStateOf(room);
            if (!room.loaded) {
                sync.loadLatest(room);
            }
            sync.resolveUnknownUsers();
            break;
        }
        case 'read':
            if (typeof data.roomId === 'string' && typeof data.messageId === 'string') {
                store.markRead(data.roomId, data.messageId); // read in another tab or on another device
            }
            break;
        case 'muted':
            if (typeof data.roomId === 'string' && typeof data.muted === 'boolean') {
                store.setMuted(data.roomId, data.muted); // muted in another tab or on another device
                // Two devices at once: each node tells its own tabs first, so tabs heard the two in different orders
                // and kept the one the server did not (found from outside). The server's word comes last.
                sync.refreshReads();
            }
            break;
        case 'room.hidden': // hidden in another tab or on another device, or opened again there
            if (typeof data.roomId === 'string' && data.hidden === true) {
                dropHiddenRoom(data.roomId);
            } else if (data.hidden === false && !store.room(data.roomId)) {
                sync.refreshRooms();
            }
            break;
        case 'store':
            store.setStoreAvailable(data.available !== false);
            break;
        case 'resync':
            sync.follow(data);
            break;
        case 'message.ack':
            // The server stored (or had already stored) one of mine: it leaves the outbox.
            if (typeof data.clientMessageId === 'string') {
                inFlight = inFlight.filter((id) => id !== data.clientMessageId);
                store.acknowledge(data.clientMessageId, typeof data.id === 'string' ? data.id : null);
            }
            break;
        case 'error':
            refused(typeof data.message === 'string' ? data.message : 'The server refused that.', data);
            break;
        case 'message.edited':
        case 'message.deleted': {
            const message = normalizeMessage(data);
            if (message && store.room(message.roomId)) {
                store.addMessages(message.roomId, [message], { fresh: false });
            }
            break;
        }
        case 'channel.updated':
            if (typeof data.id === 'string') {
                store.setChannel(data);
            }
            break;
        case 'channel.member.joined':
        case 'channel.member.left':
            onMembership(type === 'channel.member.joined', data);
            break;
        default:
            break;
    }
}

/**
 * An error frame about one of mine: the one it names (a server with client message ids), else the
 * oldest in flight. Certainly not stored: out of the outbox, its text back. Perhaps stored, or
 * Redis away: it stays, to be sent again with the same id (which the server stores once).
 */
function refused(message, data) {
    const named = typeof data.clientMessageId === 'string' ? data.clientMessageId : null;
    const clientId = named || inFlight.shift();
    inFlight = inFlight.filter((id) => id !== clientId);
    if ((named && data.stored === null) || message.startsWith(STORE_DOWN)) {
        const entry = store.outbox.find((e) => e.clientId === clientId);
        if (entry) {
            entry.sent = false;
        }
        // Tried again in a moment; while the node reports the store away, flushing waits for its "back".
        setTimeout(flushOutbox, RESEND_AFTER_MS);
        return;
    }
    conversation.serverError(message, clientId ? store.reject(clientId) : null);
}

/** Someone joined or left a channel I am in (or it is me: the channel appears or goes). */
function onMembership(joined, data) {
    const channel = data.channel;
    if (!channel || typeof channel.id !== 'string') {
        return;
    }
    const mine = store.isMe(data.userId);
    const name = mine ? 'You' : (data.username || store.userName(data.userId));
    const removed = data.by !== undefined && String(data.by) !== String(data.userId);
    const by = store.isMe(data.by) ? 'You' : store.userName(data.by);
    if (joined) {
        const known = store.room(channel.id) !== null;
        const room = store.addRoom(channel.id, [channel.name], channel);
        if (!room.loaded) {
            sync.loadLatest(room);
        }
        if (!known && mine) {
            sync.refreshReads(); // what waits there for me counts as unread at once, as after a reload
        }
        if (known || !mine) {
            store.addNotice(room.id, removed ? `${by} added ${mine ? 'you' : name}` : `${name} joined`);
        }
    } else if (mine) {
        const room = store.room(channel.id);
        if (room) {
            store.removeRoom(channel.id); // first: opening another room clears the composer's messages
            conversation.showNotice(removed ? `${by} removed you from # ${channel.name}` : `You left # ${channel.name}`);
        }
    } else {
        store.addNotice(channel.id, removed ? `${by} removed ${name}` : `${name} left`);
    }
    channelDialogs.membersChanged(channel.id);
}

async function onEdit(message, text) {
    const edited = normalizeMessage(await api.editMessage(message.roomId, message.id, text));
    if (edited) {
        store.addMessages(edited.roomId, [edited]);
    }
}

async function onDelete(message) {
    if (!(await confirmDelete())) {
        return;
    }
    try {
        await api.deleteMessage(message.roomId, message.id);
        // the message.deleted event shows it, here and in every other tab
    } catch (failed) {
        conversation.showError(`Not deleted: ${failed.message}`);
    }
}

function onChannelJoined(channel) {
    const room = store.addRoom(channel.id, [channel.name], channel);
    if (!room.loaded) {
        sync.loadLatest(room);
    }
    openRoom(room.id);
}

/**
 * Out of the list, then the server's list asked for: a message that came while the room was being hidden, counted
 * after the hiding, was here already and listed there, while this tab had dropped the room (found from outside).
 */
function dropHiddenRoom(roomId) {
    store.removeRoom(roomId);
    sync.refreshRooms();
}

async function hideActiveRoom() {
    const room = store.activeRoom;
    if (!room || store.partnerOf(room) === null) {
        return;
    }
    try {
        await api.hideRoom(store.me.id, room.id);
        dropHiddenRoom(room.id); // a new message brings it back
    } catch (failed) {
        conversation.showError(`Not hidden: ${failed.message}`);
    }
}

// ---- the outbox: typed messages go out once the socket is open, each with its clientId

function onSend(text) {
    store.queue(store.activeRoomId, text);
    flushOutbox();
}

function flushOutbox() {
    if (socket === null || !socket.isOpen || !store.storeAvailable) {
        return;
    }
    for (const entry of store.outbox) {
        if (!entry.sent && socket.send('message', { roomId: entry.roomId, message: entry.message, clientMessageId: entry.clientId })) {
            entry.sent = true;
            inFlight.push(entry.clientId);
        }
    }
    store.emit('outbox');
}

function saveOutbox() {
    if (store.me) {
        storage('session', OUTBOX + store.me.id,
            store.outbox.length ? JSON.stringify(store.outbox.map(({ clientId, roomId, message, queuedAt }) => ({ clientId, roomId, message, queuedAt }))) : null);
    }
}

function loadOutbox() {
    try {
        const saved = JSON.parse(storage('session', OUTBOX + store.me.id) || '[]');
        store.outbox = saved.filter((e) => e && typeof e.message === 'string' && typeof e.roomId === 'string')
            .map((e) => ({ ...e, sent: false }));
    } catch (corrupt) {
        store.outbox = [];
    }
}

// ---- read state

/**
 * The open room counts as read while it is really seen: at once here, and for the server (which
 * tells my other tabs) a moment later, once per burst of messages rather than once per message.
 */
function markActiveRead() {
    const room = store.activeRoom;
    if (!room || !sync || !sync.active || !store.seeingActive || !room.loaded || room.lastRead === null || room.lastMarker === null) {
        return;
    }
    const marker = room.lastMarker;
    if (!markerIsAfter(marker, room.lastRead)) {
        return;
    }
    store.markRead(room.id, marker);
    unsentReads.set(room.id, marker);
    if (markTimer === null) {
        markTimer = setTimeout(sendReads, 250);
    }
}

function sendReads() {
    markTimer = null;
    const mySync = sync;
    for (const [roomId, marker] of unsentReads) {
        mySync.track(api.markRead(roomId, marker)).catch(() => {
            // kept locally; the next reconnect reloads what the server has
        });
    }
    unsentReads.clear();
}

// ---- notifications (opt-in): private messages and mentions, never from muted rooms

function notificationsOn() {
    return 'Notification' in window && Notification.permission === 'granted' && storage('local', NOTIFY) === 'on';
}

function renderNotifyButton() {
    const button = byId('notify');
    if (!('Notification' in window)) {
        button.hidden = true;
        return;
    }
    const on = notificationsOn();
    button.setAttribute('aria-pressed', String(on));
    button.classList.toggle('button--on', on);
    button.title = Notification.permission === 'denied'
        ? 'Desktop notifications are blocked in this browser’s settings'
        : on ? 'Desktop notifications on: private messages and mentions' : 'Turn on desktop notifications for private messages and mentions';
}

async function toggleNotifications() {
    if (notificationsOn()) {
        storage('local', NOTIFY, null);
    } else {
        const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
        storage('local', NOTIFY, permission === 'granted' ? 'on' : null);
    }
    renderNotifyButton();
}

function notify(room, message) {
    if (store.isMe(message.from) || room.muted || !notificationsOn()) {
        return;
    }
    const mentioned = mentions(message.message, store.me.username);
    if (privateMembers(room.id) === null && !mentioned) {
        return;
    }
    if (store.seeingActive && room.id === store.activeRoomId && document.hasFocus()) {
        return; // it is on screen
    }
    const sender = store.userName(message.from);
    const title = mentioned && privateMembers(room.id) === null ? `${sender} mentioned you in ${store.roomTitle(room)}` : sender;
    try {
        const shown = new Notification(title, { body: message.message.slice(0, 200), tag: `room-${room.id}` });
        shown.onclick = () => {
            window.focus();
            openRoom(room.id);
            shown.close();
        };
    } catch (unsupported) {
        // some browsers (Chrome on Android) only notify through a service worker: then nothing is shown
    }
}

// ---- rooms and people

async function onLoadOlder() {
    const room = store.activeRoom;
    if (!room) {
        return;
    }
    const loading = sync.loadOlder(room);
    conversation.render(); // shows "Loading…"
    try {
        await loading;
    } catch (failed) {
        conversation.showError(`Older messages could not be loaded: ${failed.message}`);
    }
    conversation.render({ older: true });
}

function showConversationOnPhone(show) {
    byId('chat').dataset.view = show ? 'conversation' : 'list';
    store.lookingAtActive = show || !phone.matches;
    markActiveRead();
}

function openRoom(roomId) {
    showConversationOnPhone(true);
    store.setActive(roomId);
    storage('local', LAST_ROOM + store.me.id, String(roomId));
    if (!phone.matches) {
        byId('composer-text').focus(); // a phone would pop its keyboard over the messages
    }
}

/** Once per login, when the rooms are known: the room that was open before the reload. */
function reopenLastRoom() {
    const saved = storage('local', LAST_ROOM + store.me.id);
    if (saved && saved !== store.activeRoomId && store.room(saved) && !reopenLastRoom.done) {
        store.setActive(saved);
    }
    reopenLastRoom.done = true;
}

async function openPerson(userId) {
    const existing = [...store.rooms.values()].find((room) => store.partnerOf(room) === userId);
    if (existing) {
        openRoom(existing.id);
        return;
    }
    const mySync = sync;
    try {
        const created = await api.openPrivateRoom(store.me.id, userId);
        if (!mySync.active) {
            return;
        }
        const room = store.addRoom(created.id, created.names);
        if (!room.loaded) {
            sync.loadLatest(room);
        }
        sync.readStateOf(room);
        openRoom(room.id);
    } catch (failed) {
        conversation.showError(`The private room could not be opened: ${failed.message}`);
    }
}

async function onMute(room, muted) {
    try {
        await api.mute(room.id, muted);
        store.setMuted(room.id, muted);
        sync.refreshReads(); // another device's change may have come after this one (see 'muted' above)
    } catch (failed) {
        conversation.showError(`The room could not be ${muted ? 'muted' : 'unmuted'}: ${failed.message}`);
    }
}

const searchPeople = (prefix, after = null, limit = 20) => (sync ? sync.track(api.directory(prefix, after, limit)) : api.directory(prefix, after, limit));

// ---- rendering

function renderBanner() {
    const banner = byId('banner');
    const state = store.connection.state;
    clearInterval(bannerTimer);
    const storeDown = state === 'open' && !store.storeAvailable;
    // Presence is not current while either is away: the dots fade.
    byId('chat').classList.toggle('chat--down', state === 'down' || storeDown);
    byId('chat').dataset.connection = state;
    byId('store-banner').hidden = !storeDown;
    conversation.setConnected(state === 'open');
    conversation.renderHeader();
    conversation.render();
    if (state !== 'down') {
        banner.hidden = true;
        return;
    }
    banner.hidden = false;
    const refusal = store.connection.refusal;
    const tick = () => {
        const seconds = Math.max(0, Math.ceil((socket.retryAt - Date.now()) / 1000));
        if (refusal) { // a socket limit: another tab or device must close first
            byId('banner-text').textContent = `${refusal}: close this chat in another tab or on another device. `
                + (seconds > 0 ? `Trying again in ${seconds} s…` : 'Trying again…');
            return;
        }
        byId('banner-text').textContent = seconds > 0
            ? `Connection lost. Reconnecting in ${seconds} s…`
            : 'Connection lost. Reconnecting…';
    };
    tick();
    bannerTimer = setInterval(tick, 1000);
}

let sidebarQueued = false;

/**
 * "(n) room · redis-chat": n counts unread messages of rooms not muted, the open one too while the tab is hidden.
 * On a phone the conversation hides the room list, and a phone shows no title: its back button counts what waits
 * in the other rooms (a direct message with a mention arrived unseen, found from outside).
 */
function updateTitle() {
    const unread = store.totalUnread();
    const room = store.activeRoom;
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${room ? store.roomTitle(room) + ' · ' : ''}redis-chat`;
    const elsewhere = [...store.rooms.values()].filter((r) => r !== room);
    const waiting = elsewhere.filter((r) => !r.muted).reduce((sum, r) => sum + r.unread, 0);
    const mentioned = elsewhere.some((r) => r.mentions > 0);
    const count = byId('back-count');
    count.textContent = waiting > 99 ? '99+' : waiting > 0 ? String(waiting) : mentioned ? '@' : '';
    count.hidden = count.textContent === '';
    count.classList.toggle('badge--mention', mentioned);
    byId('back').setAttribute('aria-label', waiting > 0 || mentioned
        ? `Back to rooms: ${waiting} unread${mentioned ? ', mentioned' : ''} elsewhere` : 'Back to rooms');
}

function queueSidebar() {
    if (sidebarQueued) {
        return;
    }
    sidebarQueued = true;
    queueMicrotask(() => {
        sidebarQueued = false;
        if (store.me) {
            renderRooms(store, openRoom);
            people.render();
            updateTitle();
        }
    });
}

function onStoreChange(what, detail) {
    if (!store.me) {
        return;
    }
    switch (what) {
        case 'me':
            renderMe(store);
            break;
        case 'rooms':
            queueSidebar();
            conversation.renderHeader();
            break;
        case 'users':
            queueSidebar();
            conversation.renderHeader();
            conversation.render();
            break;
        case 'messages':
            queueSidebar();
            if (detail.roomId === store.activeRoomId) {
                conversation.render(detail);
                markActiveRead();
            }
            break;
        case 'channel':
            if (detail.roomId === store.activeRoomId) {
                conversation.renderHeader();
                conversation.render();
            }
            break;
        case 'active':
            queueSidebar();
            conversation.renderHeader();
            conversation.render();
            markActiveRead();
            break;
        case 'reads':
            queueSidebar();
            conversation.renderHeader();
            conversation.render();
            markActiveRead();
            break;
        case 'outbox':
            saveOutbox();
            conversation.render({ added: [{ from: store.me.id }] });
            break;
        case 'connection':
            renderBanner();
            if (store.connection.state === 'open' && store.storeAvailable && sync && sync.synced) {
                flushOutbox();
            }
            break;
        default:
            break;
    }
}

// ---- session

function enterChat(user) {
    rememberSession(true);
    stopSession();
    store.reset();
    store.setMe(user);
    conversation.reset();
    people.reset();
    reopenLastRoom.done = false;
    byId('starting').hidden = true;
    byId('login').hidden = true;
    byId('chat').hidden = false;
    showConversationOnPhone(false);
    store.addRoom(GENERAL, ['General']);
    store.setActive(GENERAL);
    loadOutbox();
    store.setConnection('connecting');
    renderNotifyButton();
    people.load('');

    // The socket first: its opening loads every room once, and from then on nothing is missed.
    const mySync = new RoomSync(store, reopenLastRoom);
    sync = mySync;

    socket = new ChatSocket({
        onEvent,
        onOpen: (ready) => {
            inFlight = [];
            store.setConnection('open');
            // What the outbox holds goes out after the catch-up: what the server already stored is confirmed by then
            // (and what it stored without our hearing is answered with the original when sent again).
            mySync.follow(ready).then(() => {
                if (mySync.active) {
                    flushOutbox();
                }
            });
        },
        onDown: ({ retryInMs, refusal }) => {
            inFlight = [];
            store.outbox.forEach((entry) => {
                entry.sent = false; // unconfirmed: looked for in the catch-up, else sent again
            });
            store.setConnection('down', retryInMs, refusal);
            mySync.loadWithoutSocket(); // show the history meanwhile
        },
        shouldRetry: async () => {
            try {
                await api.me();
                return true;
            } catch (failed) {
                if (failed.status === 401 && mySync.active) {
                    leaveChat('Your session has ended. Please log in again.');
                    return false;
                }
                return true;
            }
        },
    });
    socket.start();
    if (!phone.matches) {
        byId('composer-text').focus();
    }
}

function stopSession() {
    clearTimeout(markTimer);
    markTimer = null;
    unsentReads.clear();
    if (sync) {
        sync.stop();
    }
    if (socket) {
        socket.stop();
        socket = null;
    }
}

function leaveChat(message = '') {
    // Sent away (session ended elsewhere): offer the same name again. Logged out: the last name used.
    const name = message && store.me ? store.me.username : '';
    rememberSession(false);
    stopSession();
    clearInterval(bannerTimer);
    byId('banner').hidden = true;
    byId('store-banner').hidden = true;
    store.reset();
    document.title = 'redis-chat';
    resetAccount();
    showLogin({ message, name });
}

async function logout() {
    byId('logout').disabled = true;
    clearTimeout(markTimer);
    markTimer = null;
    unsentReads.clear();
    const mySync = sync;
    if (mySync) {
        mySync.stop();
        await mySync.idle();
    }
    try {
        await api.logout();
    } catch (failed) {
        // the session may already be gone; either way we leave
    } finally {
        byId('logout').disabled = false;
    }
    if (store.me) {
        storage('session', OUTBOX + store.me.id, null);
    }
    leaveChat();
}

async function boot() {
    conversation = new ConversationView(store, {
        onSend,
        onEdit,
        onDelete,
        onLoadOlder,
        onMute,
        searchPeople: async (prefix) => ((await searchPeople(prefix, null, 7)).users || [])
            .filter((u) => !store.isMe(String(u.id))),
        onBack: () => {
            showConversationOnPhone(false);
            queueSidebar();
        },
    });
    people = new PeopleView(store, { search: searchPeople, onOpen: openPerson });
    channelDialogs = new ChannelDialogs(store, {
        onJoined: onChannelJoined,
        onLeave: (roomId) => store.removeRoom(roomId),
    });
    byId('room-hide').addEventListener('click', hideActiveRoom);
    store.subscribe(onStoreChange);
    setUpLogin(enterChat);
    loadLimits(() => {
        showLoginLimits();
        showAccountLimits();
    });
    arrowKeys(byId('rooms'));
    arrowKeys(byId('direct-rooms'));
    arrowKeys(byId('people'));
    // The order held under the pointer or the keyboard focus catches up once they leave the lists.
    byId('rooms').closest('nav').addEventListener('pointerleave', queueSidebar);
    byId('rooms').closest('nav').addEventListener('focusout', () => setTimeout(queueSidebar, 0));
    setUpAccount();
    byId('logout').addEventListener('click', logout);
    byId('notify').addEventListener('click', toggleNotifications);
    byId('banner-retry').addEventListener('click', () => socket && socket.retryNow());
    window.addEventListener('online', () => socket && socket.retryNow());
    document.addEventListener('visibilitychange', () => {
        store.visible = document.visibilityState === 'visible';
        markActiveRead();
        queueSidebar();
    });
    window.addEventListener('focus', markActiveRead);
    phone.addEventListener('change', () => showConversationOnPhone(byId('chat').dataset.view === 'conversation'));

    if (!maySession()) {
        showLogin();
        return;
    }
    try {
        enterChat(await api.me());
    } catch (failed) {
        rememberSession(false);
        showLogin({ message: failed.status === 401 ? '' : failed.message });
    }
}

boot();
