// Wires the pieces together: session restore, login/logout, the socket and its catch-up, rendering.
import { api } from './api.js';
import { ChatSocket } from './socket.js';
import { GENERAL, PAGE_SIZE, Store, normalizeMessage } from './store.js';
import { setUpLogin, showLogin } from './views/login.js';
import { renderMe, renderPeople, renderRooms } from './views/sidebar.js';
import { ConversationView } from './views/conversation.js';
import { byId } from './views/dom.js';

const store = new Store();
const phone = window.matchMedia('(max-width: 720px)');
let socket = null;
let conversation = null;
let generation = 0; // bumped at every login and logout: answers for an earlier session are dropped
let bannerTimer = null;

// Whether this browser was logged in when it last knew: asking /api/me without a session answers
// 401, which a browser reports as a console error, so a first visit goes straight to the form.
const SESSION_HINT = 'redis-chat.session';

function rememberSession(loggedIn) {
    try {
        if (loggedIn) {
            localStorage.setItem(SESSION_HINT, '1');
        } else {
            localStorage.removeItem(SESSION_HINT);
        }
    } catch (storageDisabled) {
        // without storage, every visit asks the server
    }
}

function maySession() {
    try {
        return localStorage.getItem(SESSION_HINT) !== null;
    } catch (storageDisabled) {
        return true;
    }
}

function current(gen) {
    return gen === generation && store.me !== null;
}

const messagesOf = (list) => (Array.isArray(list) ? list.map(normalizeMessage).filter(Boolean) : []);

function newestId(messages) {
    for (let i = messages.length - 1; i >= 0; i--) {
        if (messages[i].id) {
            return messages[i].id;
        }
    }
    return null;
}

/** Fetches a room's newest page (once at a time); resolves to the newest id it contained. */
function loadLatest(room) {
    if (room.loading) {
        return room.loading;
    }
    const gen = generation;
    room.loading = api.page(room.id, 0, PAGE_SIZE).then((page) => {
        if (!current(gen)) {
            return null;
        }
        const messages = messagesOf(page).reverse();
        const first = !room.loaded;
        room.loaded = true;
        if (first) {
            room.hasOlder = messages.length === PAGE_SIZE;
        }
        store.addMessages(room.id, messages, { fresh: !first });
        resolveUnknownUsers();
        return newestId(messages);
    }).catch(() => null).finally(() => {
        room.loading = null;
    });
    return room.loading;
}

/** Everything after the last message seen before the socket (re)opened, de-duplicated by id. */
async function catchUp(room, lastSeenId) {
    if (lastSeenId === null) {
        await loadLatest(room);
        return;
    }
    const gen = generation;
    try {
        const messages = messagesOf(await api.after(room.id, lastSeenId));
        if (current(gen)) {
            store.addMessages(room.id, messages, { fresh: true });
            resolveUnknownUsers();
        }
    } catch (failed) {
        // the next reconnect catches up again from the same place
    }
}

/**
 * Runs when a socket opens (first time and after every reconnect). Where each room stands is
 * taken synchronously, before any event of the new socket is handled, so nothing between the
 * old socket's last event and the new socket's first one can be skipped.
 */
function resync() {
    const gen = generation;
    const resumeFrom = new Map();
    for (const room of store.rooms.values()) {
        if (room.loaded) {
            resumeFrom.set(room.id, room.lastSeenId);
        }
    }
    const pending = [...store.rooms.values()].filter((room) => !room.loaded);
    for (const [roomId, lastSeenId] of resumeFrom) {
        catchUp(store.room(roomId), lastSeenId);
    }
    for (const room of pending) {
        // A page requested before the socket opened may miss what came in between: follow it up.
        const inFlight = room.loading !== null;
        loadLatest(room).then((newest) => {
            if (inFlight && current(gen) && room.loaded) {
                catchUp(room, newest);
            }
        });
    }
    refreshRooms(gen);
    refreshOnline(gen);
}

async function refreshRooms(gen) {
    try {
        const rooms = await api.rooms(store.me.id);
        if (!current(gen)) {
            return;
        }
        for (const r of rooms) {
            const room = store.addRoom(r.id, r.names);
            if (!room.loaded) {
                loadLatest(room);
            }
        }
        resolveUnknownUsers();
    } catch (failed) {
        // shown again at the next reconnect
    }
}

async function refreshOnline(gen) {
    try {
        const online = await api.onlineUsers();
        if (current(gen)) {
            store.upsertUsers(Object.values(online || {}), { replaceOnline: true });
        }
    } catch (failed) {
        // presence events keep it current meanwhile
    }
}

let resolving = false;

async function resolveUnknownUsers() {
    const ids = store.unknownUserIds();
    if (resolving || ids.length === 0) {
        return;
    }
    resolving = true;
    const gen = generation;
    try {
        const users = await api.users(ids.slice(0, 500));
        if (current(gen)) {
            store.upsertUsers(Object.values(users || {}));
        }
    } catch (failed) {
        // names fall back to ids
    } finally {
        resolving = false;
    }
    if (current(gen) && store.unknownUserIds().some((id) => !ids.includes(id))) {
        resolveUnknownUsers();
    }
}

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
                loadLatest(room);
            }
            store.addMessages(room.id, [message], { fresh: true });
            if (!store.users.has(message.from)) {
                resolveUnknownUsers();
            }
            break;
        }
        case 'user.connected':
        case 'user.disconnected':
            if (data.id !== undefined) {
                store.upsertUsers([{ id: data.id, username: data.username, online: type === 'user.connected' }]);
            }
            break;
        case 'show.room': {
            const room = store.addRoom(data.id, data.names);
            if (!room.loaded) {
                loadLatest(room);
            }
            resolveUnknownUsers();
            break;
        }
        case 'error':
            conversation.serverError(typeof data.message === 'string' ? data.message : 'The server refused that.');
            break;
        default:
            break;
    }
}

function onSend(text) {
    return socket !== null && socket.send('message', { roomId: store.activeRoomId, message: text });
}

async function onLoadOlder() {
    const room = store.activeRoom;
    if (!room || room.loadingOlder || !room.hasOlder) {
        return;
    }
    const gen = generation;
    room.loadingOlder = true;
    conversation.render();
    try {
        const page = messagesOf(await api.page(room.id, room.messages.length, PAGE_SIZE));
        if (!current(gen)) {
            return;
        }
        room.hasOlder = page.length === PAGE_SIZE;
        room.loadingOlder = false;
        store.addMessages(room.id, page, { older: true });
        resolveUnknownUsers();
    } catch (failed) {
        room.loadingOlder = false;
        conversation.showError(`Older messages could not be loaded: ${failed.message}`);
    }
    conversation.render({ older: true });
}

function showConversationOnPhone(show) {
    byId('chat').dataset.view = show ? 'conversation' : 'list';
    store.lookingAtActive = show || !phone.matches;
}

function openRoom(roomId) {
    showConversationOnPhone(true);
    store.setActive(roomId);
    byId('composer-text').focus();
}

async function openPerson(userId) {
    const existing = [...store.rooms.values()].find((room) => store.partnerOf(room) === userId);
    if (existing) {
        openRoom(existing.id);
        return;
    }
    const gen = generation;
    try {
        const created = await api.openPrivateRoom(store.me.id, userId);
        if (!current(gen)) {
            return;
        }
        const room = store.addRoom(created.id, created.names);
        if (!room.loaded) {
            loadLatest(room);
        }
        openRoom(room.id);
    } catch (failed) {
        conversation.showError(`The private room could not be opened: ${failed.message}`);
    }
}

function renderBanner() {
    const banner = byId('banner');
    const state = store.connection.state;
    clearInterval(bannerTimer);
    conversation.setConnected(state === 'open');
    if (state !== 'down') {
        banner.hidden = true;
        return;
    }
    banner.hidden = false;
    const tick = () => {
        const seconds = Math.max(0, Math.ceil((socket.retryAt - Date.now()) / 1000));
        byId('banner-text').textContent = seconds > 0
            ? `Connection lost. Reconnecting in ${seconds} s…`
            : 'Connection lost. Reconnecting…';
    };
    tick();
    bannerTimer = setInterval(tick, 1000);
}

let sidebarQueued = false;

function queueSidebar() {
    if (sidebarQueued) {
        return;
    }
    sidebarQueued = true;
    queueMicrotask(() => {
        sidebarQueued = false;
        if (store.me) {
            renderRooms(store, openRoom);
            renderPeople(store, openPerson);
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
            }
            break;
        case 'active':
            queueSidebar();
            conversation.renderHeader();
            conversation.render();
            break;
        case 'connection':
            renderBanner();
            break;
        default:
            break;
    }
}

function enterChat(user) {
    rememberSession(true);
    generation++;
    const gen = generation;
    if (socket) {
        socket.stop();
    }
    store.reset();
    store.setMe(user);
    byId('starting').hidden = true;
    byId('login').hidden = true;
    byId('chat').hidden = false;
    showConversationOnPhone(false);
    store.addRoom(GENERAL, ['General']);
    store.setActive(GENERAL);
    store.setConnection('connecting');

    // History over HTTP right away; the socket's first open catches up whatever this misses.
    refreshRooms(gen);
    refreshOnline(gen);
    loadLatest(store.room(GENERAL));

    socket = new ChatSocket({
        onEvent,
        onOpen: () => {
            store.setConnection('open');
            resync();
        },
        onDown: ({ retryInMs }) => store.setConnection('down', retryInMs),
        shouldRetry: async () => {
            try {
                await api.me();
                return true;
            } catch (failed) {
                if (failed.status === 401 && current(gen)) {
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

function leaveChat(message = '') {
    rememberSession(false);
    generation++;
    if (socket) {
        socket.stop();
        socket = null;
    }
    clearInterval(bannerTimer);
    byId('banner').hidden = true;
    store.reset();
    document.title = 'redis-chat';
    showLogin({ message });
}

async function logout() {
    byId('logout').disabled = true;
    try {
        await api.logout();
    } catch (failed) {
        // the session may already be gone; either way we leave
    } finally {
        byId('logout').disabled = false;
    }
    leaveChat();
}

async function boot() {
    conversation = new ConversationView(store, {
        onSend,
        onLoadOlder,
        onBack: () => {
            showConversationOnPhone(false);
            queueSidebar();
        },
    });
    store.subscribe(onStoreChange);
    setUpLogin(enterChat);
    byId('logout').addEventListener('click', logout);
    byId('banner-retry').addEventListener('click', () => socket && socket.retryNow());
    window.addEventListener('online', () => socket && socket.retryNow());
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
