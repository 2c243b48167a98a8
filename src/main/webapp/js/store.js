// The client's state: who I am, the people I know of, my rooms and their messages. Messages are
// kept sorted and de-duplicated by id, so history pages, catch-up and live events can overlap freely.

export const GENERAL = '0';
export const PAGE_SIZE = 15;

/** Sequence part of a server message id "<date>-<seq>" (null for messages written by the seed's servers). */
function sequenceOf(id) {
    const match = typeof id === 'string' ? /^\d+-(\d+)$/.exec(id) : null;
    return match ? BigInt(match[1]) : null;
}

function keyOf(message) {
    return message.id ? 'id:' + message.id : `seed:${message.from}:${message.date}:${message.message}`;
}

function compareMessages(a, b) {
    const sa = sequenceOf(a.id);
    const sb = sequenceOf(b.id);
    if (sa !== null && sb !== null) {
        return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
    return a.date - b.date;
}

export function normalizeMessage(raw) {
    if (!raw || typeof raw !== 'object' || raw.roomId === undefined || typeof raw.message !== 'string') {
        return null;
    }
    return {
        id: typeof raw.id === 'string' ? raw.id : null,
        from: String(raw.from),
        date: Number(raw.date) || 0,
        message: raw.message,
        roomId: String(raw.roomId),
    };
}

export function privateMembers(roomId) {
    const match = /^(\d+):(\d+)$/.exec(roomId);
    return match ? [match[1], match[2]] : null;
}

class Room {
    constructor(id, names) {
        this.id = id;
        this.names = names;
        this.messages = [];
        this.keys = new Set();
        this.loaded = false; // the newest page has been fetched at least once
        this.hasOlder = false;
        this.loadingOlder = false;
        this.unread = 0;
        this.loading = null; // the promise of a newest-page fetch in flight
    }

    /** Adds messages not seen yet; returns those that were new. */
    merge(messages) {
        const added = [];
        for (const message of messages) {
            const key = keyOf(message);
            if (!this.keys.has(key)) {
                this.keys.add(key);
                added.push(message);
            }
        }
        if (added.length > 0) {
            const appendOnly = added.every((m) => this.messages.length === 0
                || compareMessages(this.messages[this.messages.length - 1], m) <= 0);
            this.messages.push(...added);
            if (!appendOnly || added.length > 1) {
                this.messages.sort(compareMessages);
            }
        }
        return added;
    }

    get last() {
        return this.messages.length ? this.messages[this.messages.length - 1] : null;
    }

    /** The newest message with a server id: where catch-up starts. */
    get lastSeenId() {
        for (let i = this.messages.length - 1; i >= 0; i--) {
            if (this.messages[i].id) {
                return this.messages[i].id;
            }
        }
        return null;
    }
}

export class Store {
    constructor() {
        this.listeners = new Set();
        this.reset();
    }

    reset() {
        this.me = null;
        this.users = new Map(); // id -> {id, username, online}
        this.rooms = new Map(); // id -> Room
        this.activeRoomId = GENERAL;
        this.lookingAtActive = true; // false while a phone shows the room list instead
        this.connection = { state: 'connecting', retryInMs: 0 };
        this.emit('reset');
    }

    subscribe(listener) {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    emit(what, detail) {
        for (const listener of this.listeners) {
            listener(what, detail);
        }
    }

    setMe(me) {
        this.me = { id: String(me.id), username: me.username };
        this.users.set(this.me.id, { ...this.me, online: true });
        this.emit('me');
    }

    isMe(userId) {
        return this.me !== null && String(userId) === this.me.id;
    }

    upsertUsers(list, { replaceOnline = false } = {}) {
        if (replaceOnline) {
            const online = new Set(list.map((u) => String(u.id)));
            for (const user of this.users.values()) {
                user.online = online.has(user.id) || this.isMe(user.id);
            }
        }
        for (const user of list) {
            const id = String(user.id);
            const known = this.users.get(id);
            this.users.set(id, {
                id,
                username: user.username || (known && known.username) || id,
                online: this.isMe(id) || Boolean(user.online),
            });
        }
        this.emit('users');
    }

    userName(userId) {
        const user = this.users.get(String(userId));
        return user ? user.username : `User ${userId}`;
    }

    /** Ids mentioned by rooms and messages whose names are not known yet. */
    unknownUserIds() {
        const ids = new Set();
        for (const room of this.rooms.values()) {
            (privateMembers(room.id) || []).forEach((id) => ids.add(id));
            room.messages.forEach((m) => ids.add(m.from));
        }
        return [...ids].filter((id) => /^\d+$/.test(id) && !this.users.has(id));
    }

    addRoom(id, names) {
        id = String(id);
        let room = this.rooms.get(id);
        if (!room) {
            room = new Room(id, Array.isArray(names) ? names.map((n) => (Array.isArray(n) ? String(n[0]) : String(n))) : []);
            this.rooms.set(id, room);
            this.emit('rooms');
        }
        return room;
    }

    room(id) {
        return this.rooms.get(String(id)) || null;
    }

    /** The other person of a private room, or null for named rooms. */
    partnerOf(room) {
        const members = privateMembers(room.id);
        if (!members || !this.me) {
            return null;
        }
        return members[0] === this.me.id ? members[1] : members[0];
    }

    roomTitle(room) {
        const partner = this.partnerOf(room);
        if (partner === null) {
            return room.names[0] || `Room ${room.id}`;
        }
        if (this.users.has(partner)) {
            return this.users.get(partner).username;
        }
        return room.names.find((n) => n !== this.me.username) || room.names[0] || `User ${partner}`;
    }

    /** General first, then the most recently active. */
    sortedRooms() {
        return [...this.rooms.values()].sort((a, b) => {
            if (a.id === GENERAL || b.id === GENERAL) {
                return a.id === GENERAL ? -1 : 1;
            }
            const da = a.last ? a.last.date : 0;
            const db = b.last ? b.last.date : 0;
            return db - da || this.roomTitle(a).localeCompare(this.roomTitle(b));
        });
    }

    setActive(roomId) {
        this.activeRoomId = String(roomId);
        const room = this.room(roomId);
        if (room) {
            room.unread = 0;
        }
        this.emit('active');
    }

    get activeRoom() {
        return this.room(this.activeRoomId);
    }

    /**
     * Merges messages into their room. New ones (live or caught up, not history pages) from others
     * count as unread unless the room is on screen.
     */
    addMessages(roomId, messages, { fresh = false, older = false } = {}) {
        const room = this.room(roomId);
        if (!room) {
            return [];
        }
        const added = room.merge(messages);
        if (added.length > 0) {
            if (fresh && (room.id !== this.activeRoomId || !this.lookingAtActive)) {
                room.unread += added.filter((m) => !this.isMe(m.from)).length;
            }
            this.emit('messages', { roomId: room.id, added, fresh, older });
        }
        return added;
    }

    setConnection(state, retryInMs = 0) {
        this.connection = { state, retryInMs };
        this.emit('connection');
    }
}
