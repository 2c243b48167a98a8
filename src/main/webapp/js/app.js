// Wires the pieces together: session restore, login/logout, the socket and its catch-up, rendering.
import { api } from './api.js';
import { ChatSocket } from './socket.js';
import { GENERAL, Store, normalizeMessage } from './store.js';
import { RoomSync } from './sync.js';
import { setUpLogin, showLogin } from './views/login.js';
import { renderMe, renderPeople, renderRooms } from './views/sidebar.js';
import { ConversationView } from './views/conversation.js';
import { byId } from './views/dom.js';

const store = new Store();
const phone = window.matchMedia('(max-width: 720px)');
let socket = null;
let conversation = null;
let sync = null; // one per login
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
                sync.loadLatest(room);
            }
            store.addMessages(room.id, [message], { fresh: true });
            if (!store.users.has(message.from)) {
                sync.resolveUnknownUsers();
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
                sync.loadLatest(room);
            }
            sync.resolveUnknownUsers();
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
}

function openRoom(roomId) {
    showConversationOnPhone(true);
    store.setActive(roomId);
    if (!phone.matches) {
        byId('composer-text').focus(); // a phone would pop its keyboard over the messages
    }
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
        openRoom(room.id);
    } catch (failed) {
        conversation.showError(`The private room could not be opened: ${failed.message}`);
    }
}

function renderBanner() {
    const banner = byId('banner');
    const state = store.connection.state;
    clearInterval(bannerTimer);
    byId('chat').classList.toggle('chat--down', state === 'down'); // presence is not current meanwhile
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

function updateTitle() {
    const unread = [...store.rooms.values()].reduce((sum, room) => sum + room.unread, 0);
    const room = store.activeRoom;
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${room ? store.roomTitle(room) + ' · ' : ''}redis-chat`;
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
            renderPeople(store, openPerson);
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
    stopSession();
    store.reset();
    store.setMe(user);
    byId('starting').hidden = true;
    byId('login').hidden = true;
    byId('chat').hidden = false;
    showConversationOnPhone(false);
    store.addRoom(GENERAL, ['General']);
    store.setActive(GENERAL);
    store.setConnection('connecting');

    // The socket first: its opening loads every room once, and from then on nothing is missed.
    const mySync = new RoomSync(store);
    sync = mySync;

    socket = new ChatSocket({
        onEvent,
        onOpen: () => {
            store.setConnection('open');
            mySync.resync();
        },
        onDown: ({ retryInMs }) => {
            store.setConnection('down', retryInMs);
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
    if (sync) {
        sync.stop();
    }
    if (socket) {
        socket.stop();
        socket = null;
    }
}

function leaveChat(message = '') {
    // Sent away (session ended elsewhere): offer the same name again. Logged out: a fresh one.
    const name = message && store.me ? store.me.username : '';
    rememberSession(false);
    stopSession();
    clearInterval(bannerTimer);
    byId('banner').hidden = true;
    store.reset();
    document.title = 'redis-chat';
    showLogin({ message, name });
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
