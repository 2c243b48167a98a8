// Keeps one login's rooms in step with the server over HTTP: newest pages, "load older", and the
// catch-up after every (re)connect, the read state (docs/PROTOCOL.md, "Delivery guarantees" and "Read state"). One instance per login; a stopped one drops every
// answer that arrives late, so nothing of an earlier session leaks into the next.
import { api } from './api.js';
import { limits } from './limits.js';
import { PAGE_SIZE, normalizeMessage } from './store.js';

const messagesOf = (list) => (Array.isArray(list) ? list.map(normalizeMessage).filter(Boolean) : []);

function newestId(messages) {
    for (let i = messages.length - 1; i >= 0; i--) {
        if (messages[i].id) {
            return messages[i].id;
        }
    }
    return null;
}

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;
const RETRIES = 6;

/** Whether a failed call is worth repeating: the server unreachable, busy (429) or failing (5xx). */
const transient = (failed) => failed.status === 0 || failed.status === 429 || failed.status >= 500;

export class RoomSync {
    /** @param onRooms called once the user's rooms are known (the app reopens the last room then) */
    constructor(store, onRooms = () => {}) {
        this.store = store;
        this.onRooms = onRooms;
        this.active = true;
        this.inFlight = new Set();
        this.resolving = false;
        this.askedUsers = new Set(); // user ids asked for their names (see resolveUnknownUsers)
        this.synced = false;
        this.epoch = null; // of the message positions held; another one means they are void
    }

    stop() {
        this.active = false;
    }

    /** Settles once the calls in flight have (at most after a while): a logout waits so none of them meets a dead session. */
    idle(maxMs = 2000) {
        return Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, maxMs))]);
    }

    /** Every HTTP call of this login goes through here, to be waited for at logout. */
    track(promise) {
        this.inFlight.add(promise);
        promise.catch(() => {}).finally(() => this.inFlight.delete(promise));
        return promise;
    }

    /**
     * Calls the server, repeating transient failures with backoff (honouring a rate limit instead
     * of leaving a gap until the next reconnect); rejects on anything else or after stop().
     */
    async call(request) {
        let delay = RETRY_FIRST_MS;
        for (let attempt = 1; ; attempt++) {
            try {
                return await this.track(request());
            } catch (failed) {
                if (!this.active || attempt >= RETRIES || !transient(failed)) {
                    throw failed;
                }
                await new Promise((resolve) => setTimeout(resolve, delay));
                delay = Math.min(RETRY_MAX_MS, delay * 2);
                if (!this.active) {
                    throw failed;
                }
            }
        }
    }

    /** History over HTTP alone, when the socket cannot open at first: the next open catches up. */
    loadWithoutSocket() {
        if (!this.synced) {
            this.synced = true;
            this.refreshRooms().then(() => this.refreshReads());
            this.refreshOnline();
            for (const room of this.store.rooms.values()) {
                this.loadLatest(room);
            }
        }
    }

    /**
     * The server asks (socket `ready` after every (re)connect, or `resync`) to catch up, or with
     * `reload` (or a new epoch: the message sequence went back) to load every room afresh, since
     * positions of the old epoch could skip messages. Resolves when done.
     */
    follow(data) {
        const epoch = data && typeof data.epoch === 'string' ? data.epoch : null;
        const reload = (data && data.reload === true) || (this.epoch !== null && epoch !== null && epoch !== this.epoch);
        if (epoch !== null) {
            this.epoch = epoch;
        }
        return reload ? this.reload() : this.resync();
    }

    reload() {
        this.synced = true;
        this.store.forgetMessages();
        const done = [...this.store.rooms.values()].map((room) => this.loadLatest(room));
        done.push(this.refreshRooms().then(() => this.refreshReads()));
        this.refreshOnline();
        return Promise.allSettled(done);
    }

    /**
     * Runs when a socket opens (first time and after every reconnect). Where each room stands is
     * taken synchronously, before any event of the new socket is handled, so nothing between the
     * old socket's last event and the new socket's first one can be skipped.
     */
    resync() {
        this.synced = true;
        const done = [];
        const resumeFrom = new Map();
        const pending = [];
        for (const room of this.store.rooms.values()) {
            if (room.loaded) {
                resumeFrom.set(room, room.lastSeenId);
            } else {
                pending.push(room);
            }
        }
        for (const [room, lastSeenId] of resumeFrom) {
            done.push(this.catchUp(room, lastSeenId));
        }
        for (const room of pending) {
            // A page requested before the socket opened may miss what came in between: follow it up.
            const inFlight = room.loading !== null;
            done.push(this.loadLatest(room).then((newest) => {
                if (inFlight && this.active && room.loaded) {
                    return this.catchUp(room, newest);
                }
                return null;
            }));
        }
        // Read state after the rooms: messages that came while logged out count as unread.
        done.push(this.refreshRooms().then(() => this.refreshReads()));
        this.refreshOnline();
        return Promise.allSettled(done);
    }

    /**
     * A room that appears while I am here: someone wrote to me first, or wrote in a room I had hidden
     * (whose read marker the server has: counted from the start, all its old messages were unread again).
     */
    async readStateOf(room) {
        await this.refreshReads();
        if (this.active) {
            this.store.unreadFromStart(room); // when the server had none for it, or could not be asked
        }
    }

    /** Unread and mention counts, read markers and mutes of every room, as the server keeps them. */
    async refreshReads() {
        try {
            const states = await this.call(() => api.reads());
            if (this.active) {
                this.store.setReadStates(states);
            }
        } catch (failed) {
            // tried again at the next reconnect; counts follow the loaded messages meanwhile
        }
    }

    /** Fetches a room's newest page (one request at a time); resolves to the newest id in it. */
    loadLatest(room) {
        if (room.loading) {
            return room.loading;
        }
        room.loading = this.call(() => api.page(room.id, 0, PAGE_SIZE)).then((page) => {
            if (!this.active) {
                return null;
            }
            const messages = messagesOf(page).reverse();
            const first = !room.loaded;
            room.loaded = true;
            if (first) {
                room.hasOlder = messages.length === PAGE_SIZE;
            }
            this.store.addMessages(room.id, messages, { fresh: !first });
            if (first && messages.length === 0) {
                this.store.emit('messages', { roomId: room.id, added: [] }); // "No messages yet" instead of nothing
            }
            this.resolveUnknownUsers();
            return newestId(messages);
        }).catch(() => null).finally(() => {
            room.loading = null;
        });
        return room.loading;
    }

    /** Everything after the last message seen, de-duplicated by id when merged. */
    async catchUp(room, lastSeenId) {
        if (lastSeenId === null) {
            await this.loadLatest(room); // nothing with an id yet: the newest page covers it
            return;
        }
        try {
            // Page by page: the server answers at most its catch-up limit at a time, and a full page may
            // have more after it. Until the page knows that limit (GET /api/limits), only an empty page
            // is the last: taking a default for it lost every message past a smaller limit's first page.
            let after = lastSeenId;
            for (;;) {
                const page = await this.call(() => api.after(room.id, after));
                const messages = messagesOf(page);
                if (!this.active) {
                    return;
                }
                this.store.addMessages(room.id, messages, { fresh: true });
                this.resolveUnknownUsers();
                const next = newestId(messages);
                if (!Array.isArray(page) || next === null || next === after
                    || (limits.catchUpLimit !== null && page.length < limits.catchUpLimit)) {
                    break;
                }
                after = next;
            }
        } catch (failed) {
            // the next reconnect catches up again from the same place
        }
    }

    /** The page before the oldest message shown (offset = what is held, all of it contiguous from the newest). */
    async loadOlder(room) {
        if (room.loadingOlder || !room.hasOlder) {
            return;
        }
        room.loadingOlder = true;
        try {
            const page = messagesOf(await api.page(room.id, room.messages.length, PAGE_SIZE));
            if (this.active) {
                room.hasOlder = page.length === PAGE_SIZE;
                room.loadingOlder = false;
                this.store.addMessages(room.id, page, { older: true });
                this.resolveUnknownUsers();
            }
        } finally {
            room.loadingOlder = false;
        }
    }

    async refreshRooms() {
        try {
            const rooms = await this.call(() => api.rooms(this.store.me.id));
            if (!this.active) {
                return;
            }
            const loads = [];
            for (const r of rooms) {
                const room = this.store.addRoom(r.id, r.names, r.channel || null);
                if (!room.loaded) {
                    loads.push(this.loadLatest(room));
                }
            }
            // Channels left or removed from while this client was away.
            const listed = new Set(rooms.map((r) => String(r.id)));
            for (const room of [...this.store.rooms.values()]) {
                if (room.channel && !listed.has(room.id)) {
                    this.store.removeRoom(room.id);
                }
            }
            this.onRooms();
            await Promise.allSettled(loads);
            this.resolveUnknownUsers();
        } catch (failed) {
            // tried again at the next reconnect
        }
    }

    async refreshOnline() {
        try {
            const askedAt = this.store.presenceClock;
            const online = await this.call(() => api.onlineUsers());
            if (this.active) {
                this.store.upsertUsers(Object.values(online || {}), { replaceOnline: true, askedAt });
            }
        } catch (failed) {
            // presence events keep it current meanwhile
        }
    }

    /** Names for user ids seen in rooms and messages, one request for all of them. */
    async resolveUnknownUsers() {
        // 500 at a time, each id asked once: one the server does not know (a user gone) stays "User <id>".
        const batch = this.store.unknownUserIds().filter((id) => !this.askedUsers.has(id)).slice(0, 500);
        if (this.resolving || batch.length === 0) {
            return;
        }
        this.resolving = true;
        batch.forEach((id) => this.askedUsers.add(id));
        try {
            const askedAt = this.store.presenceClock;
            const users = await this.call(() => api.users(batch));
            if (this.active) {
                this.store.upsertUsers(Object.values(users || {}), { askedAt });
            }
        } catch (failed) {
            batch.forEach((id) => this.askedUsers.delete(id)); // asked again with the next unknown name
        } finally {
            this.resolving = false;
        }
        if (this.active && this.store.unknownUserIds().some((id) => !this.askedUsers.has(id))) {
            this.resolveUnknownUsers();
        }
    }
}
