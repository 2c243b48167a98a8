// The client's state: who I am, the people I know of, my rooms and their messages, where I stopped
// reading each room (kept by the server, docs/PROTOCOL.md, "Read state") and my outbox. Messages are
// kept sorted and de-duplicated by id, so history pages, catch-up and live events can overlap freely.
import { mentions } from './text.js';

export const GENERAL = '0';
export const PAGE_SIZE = 15;

/** Sequence part of a server message id "<date>-<seq>" (null for messages written by the seed's servers). */
function sequenceOf(id) {
    const match = typeof id === 'string' ? /^\d+-(\d+)$/.exec(id) : null;
    return match ? BigInt(match[1]) : null;
}

/** A read marker "<date>-<seq>" as [date, seq]; seq 0 marks a whole second (messages of the seed's servers have no id). */
function parseMarker(marker) {
    const match = typeof marker === 'string' ? /^(\d+)-(\d+)$/.exec(marker) : null;
    return match ? [Number(match[1]), BigInt(match[2])] : null;
}

/** The marker that says "read up to this message". */
export function markerOf(message) {
    return message.id || `${Math.floor(message.date)}-0`;
}

/** Whether a message comes after a read marker: by sequence where both have one, else by the second (as the server compares). */
export function isAfter(message, marker) {
    const m = parseMarker(marker);
    if (!m) {
        return false;
    }
    const seq = sequenceOf(message.id);
    if (seq !== null && seq > 0n && m[1] > 0n) {
        return seq > m[1];
    }
    return Math.floor(message.date) > m[0];
}

export function markerIsAfter(a, b) {
    const pa = parseMarker(a);
    const pb = parseMarker(b);
    if (!pa || !pb) {
        return pa !== null;
    }
    return pa[1] > 0n && pb[1] > 0n ? pa[1] > pb[1] : pa[0] > pb[0];
}

export function keyOf(message) {
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
        clientId: typeof raw.clientMessageId === 'string' ? raw.clientMessageId : null,
        from: String(raw.from),
        date: Number(raw.date) || 0,
        message: raw.message,
        roomId: String(raw.roomId),
        edited: Number(raw.edited) || 0, // Unix seconds of the last edit, 0 if never
        deleted: raw.deleted === true,
    };
}

/** Whether an incoming copy of a known message is a later state of it (edited again, or deleted). */
function isLaterState(known, incoming) {
    return (incoming.deleted && !known.deleted) || (!known.deleted && incoming.edited > known.edited);
}

export function isChannel(roomId) {
    return /^c-\d+$/.test(roomId);
}

/**
 * 32 random hex digits: a message's client id (docs/PROTOCOL.md). Not crypto.randomUUID, which
 * browsers offer only on https and localhost, and the chat also runs on plain http in intranets.
 */
function newClientId() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function privateMembers(roomId) {
    const match = /^(\d+):(\d+)$/.exec(roomId);
    return match ? [match[1], match[2]] : null;
}

class Room {
    constructor(id, names, channel) {
        this.id = id;
        this.names = names;
        this.channel = channel || null; // {id, name, kind, creator, created, archived?} for channels
        this.notices = []; // membership changes seen live: {date, text}, shown between the messages
        this.messages = [];
        this.keys = new Set();
        this.loaded = false; // the newest page has been fetched at least once
        this.hasOlder = false;
        this.loadingOlder = false;
        this.unread = 0;
        this.mentions = 0;
        this.lastRead = null; // marker of the last message read, from the server; null until known
        this.serverUnread = 0; // what the server counted, including messages not loaded here
        this.serverMentions = 0;
        this.muted = false;
        this.dividerBefore = undefined; // key of the first unread message when the room was opened
        this.loading = null; // the promise of a newest-page fetch in flight
    }

    /** The newest message: what "read" means when the room is on screen. */
    get lastMarker() {
        return this.last ? markerOf(this.last) : null;
    }

    /** Adds messages not seen yet and takes later states (edits, deletions) of known ones; returns the new ones. */
    merge(messages) {
        const added = [];
        this.changed = [];
        this.replaced = []; // the states the changed ones replaced, in the same order
        for (const message of messages) {
            const key = keyOf(message);
            if (!this.keys.has(key)) {
                this.keys.add(key);
                added.push(message);
            } else if (message.id) {
                const index = this.messages.findIndex((m) => m.id === message.id);
                if (index >= 0 && isLaterState(this.messages[index], message)) {
                    this.replaced.push(this.messages[index]);
                    this.messages[index] = message;
                    this.changed.push(message);
                }
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
        this.presenceClock = 0; // counts presence events; a snapshot asked for at n does not undo those after n
        this.presenceChangedAt = new Map(); // user id -> the clock at their last presence event
        this.rooms = new Map(); // id -> Room
        this.activeRoomId = GENERAL;
        this.lookingAtActive = true; // false while a phone shows the room list instead
        this.visible = document.visibilityState === 'visible';
        this.connection = { state: 'connecting', retryInMs: 0 };
        this.storeAvailable = true;
        this.readsLoaded = false;
        this.outbox = []; // {clientId, roomId, message, queuedAt, sent}: typed, not yet confirmed by the server
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

    /** A user's first socket opened or last one closed, as it happened: later than any snapshot asked for before it. */
    presenceChanged(id, username, online) {
        this.presenceClock++;
        this.presenceChangedAt.set(String(id), this.presenceClock);
        this.upsertUsers([{ id, username, online }]);
    }

    /**
     * Users as the server listed them; `askedAt`: the presence clock when the list was asked
     * for, so that whose presence changed since keep what the event said (a node's users all reconnect
     * to the others at once when it stops, while the page asks for the list: it undid their events).
     * `replaceOnline`: the list is everyone online, whoever is not in it is offline.
     */
    upsertUsers(list, { replaceOnline = false, askedAt = Infinity } = {}) {
        const changedSince = (id) => (this.presenceChangedAt.get(id) || 0) > askedAt;
        if (replaceOnline) {
            const online = new Set(list.map((u) => String(u.id)));
            for (const user of this.users.values()) {
                if (!changedSince(user.id)) {
                    user.online = online.has(user.id) || this.isMe(user.id);
                }
            }
        }
        for (const user of list) {
            const id = String(user.id);
            const known = this.users.get(id);
            this.users.set(id, {
                id,
                username: user.username || (known && known.username) || id,
                online: this.isMe(id) || (known && changedSince(id) ? known.online : Boolean(user.online)),
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

    addRoom(id, names, channel = null) {
        id = String(id);
        let room = this.rooms.get(id);
        if (!room) {
            room = new Room(id, Array.isArray(names) ? names.map((n) => (Array.isArray(n) ? String(n[0]) : String(n))) : [], channel);
            this.rooms.set(id, room);
            this.emit('rooms');
        } else if (channel) {
            this.setChannel(channel);
        }
        return room;
    }

    /**
     * A channel's new state (renamed, archived) from the server; a change from what was known here
     * is told in the conversation, whichever of the change's answer and its event came first.
     */
    setChannel(channel) {
        const room = this.room(channel.id);
        if (room) {
            const before = room.channel;
            room.channel = channel;
            room.names = [channel.name];
            this.emit('rooms');
            this.emit('channel', { roomId: room.id });
            if (before) {
                const by = this.isMe(channel.creator) ? 'You' : this.userName(channel.creator); // only its creator changes it
                if (before.name !== channel.name) {
                    this.addNotice(room.id, `${by} renamed the channel to # ${channel.name}`);
                }
                if (Boolean(before.archived) !== Boolean(channel.archived)) {
                    this.addNotice(room.id, channel.archived ? `${by} archived the channel: it is read-only now` : `${by} restored the channel`);
                }
            }
        }
    }

    /** I left a channel or hid a private room: out of the sidebar (General opens if it was on screen). */
    removeRoom(id) {
        if (this.rooms.delete(String(id))) {
            if (this.activeRoomId === String(id)) {
                this.setActive(GENERAL);
            }
            this.emit('rooms');
        }
    }

    addNotice(roomId, text) {
        const room = this.room(roomId);
        if (room) {
            // Whole seconds, as messages are dated: "You added cat" stood after cat's first message of that second.
            room.notices.push({ date: Math.floor(Date.now() / 1000), text });
            this.emit('messages', { roomId: room.id, added: [], notice: text });
        }
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
        if (room.channel) {
            return '# ' + room.channel.name;
        }
        if (partner === null) {
            return room.names[0] || `Room ${room.id}`;
        }
        if (this.users.has(partner)) {
            return this.users.get(partner).username;
        }
        return room.names.find((n) => n !== this.me.username) || room.names[0] || `User ${partner}`;
    }

    /** How many people are online, me included: the one number the header and People both show. */
    onlineCount() {
        return [...this.users.values()].filter((u) => u.online).length;
    }

    /** General first, then the most recently active. */
    sortedRooms() {
        return [...this.rooms.values()].sort((a, b) => {
            if (a.id === GENERAL || b.id === GENERAL) {
                return a.id === GENERAL ? -1 : 1;
            }
            // By the messages' order, not their dates alone: two rooms written in the same second sorted by title.
            const newer = a.last && b.last ? compareMessages(b.last, a.last) : (b.last ? 1 : 0) - (a.last ? 1 : 0);
            return newer || this.roomTitle(a).localeCompare(this.roomTitle(b));
        });
    }

    setActive(roomId) {
        this.activeRoomId = String(roomId);
        const room = this.room(roomId);
        if (room) {
            this.placeDivider(room);
        }
        this.emit('active');
    }

    /** "New messages" goes before the first unread message, as it stood when the room was opened. */
    placeDivider(room) {
        if (room.lastRead === null || !room.loaded) {
            room.dividerBefore = undefined; // placed once both are known
            return;
        }
        const first = room.messages.find((m) => this.isUnread(room, m)); // not above a deleted one: it counts as read
        room.dividerBefore = first ? keyOf(first) : null;
    }

    /** A room the server has no read state for (someone wrote to me first) is unread from its first message. */
    unreadFromStart(room) {
        if (room.lastRead === null && this.readsLoaded) {
            room.lastRead = '0-0';
            if (room.dividerBefore === undefined && room.id === this.activeRoomId) {
                this.placeDivider(room);
            }
            this.recount(room);
        }
    }

    /** Whether a message counts as unread in its room, as the server counts: another's, not deleted, after the marker. */
    isUnread(room, m) {
        return room.lastRead !== null && !this.isMe(m.from) && !m.deleted && isAfter(m, room.lastRead);
    }

    isUnreadMention(room, m) {
        return this.isUnread(room, m) && mentions(m.message, this.me.username);
    }

    /** Unread and mention counts: what the server counted, or what is loaded here after the marker if more. */
    recount(room) {
        let unread = 0;
        let mentioned = 0;
        if (this.me) {
            for (const m of room.messages) {
                if (this.isUnread(room, m)) {
                    unread++;
                    if (this.isUnreadMention(room, m)) {
                        mentioned++;
                    }
                }
            }
        }
        room.unread = Math.max(unread, room.serverUnread);
        room.mentions = Math.max(mentioned, room.serverMentions);
    }

    /**
     * The server's counts as they would be after an edit or a deletion of a loaded message: a deleted
     * unread message no longer counts, an edit may add or drop a mention. Else they would stay a floor
     * under the counts until the next reconnect (3 unread shown, 2 left).
     */
    countChange(room, before, after) {
        if (!this.me) {
            return;
        }
        room.serverUnread = Math.max(0, room.serverUnread + Number(this.isUnread(room, after)) - Number(this.isUnread(room, before)));
        room.serverMentions = Math.max(0, room.serverMentions
            + Number(this.isUnreadMention(room, after)) - Number(this.isUnreadMention(room, before)));
    }

    /** The server's read state of every room (at each (re)connect). */
    setReadStates(states) {
        for (const [roomId, state] of Object.entries(states || {})) {
            const room = this.room(roomId);
            if (!room || !state) {
                continue;
            }
            if (room.lastRead === null || !markerIsAfter(room.lastRead, state.lastRead)) {
                room.lastRead = state.lastRead;
                room.serverUnread = Number(state.unread) || 0;
                room.serverMentions = Number(state.mentions) || 0;
            } // else read here since the server counted: its counts are out of date
            room.muted = Boolean(state.muted);
            if (room.dividerBefore === undefined && room.id === this.activeRoomId) {
                this.placeDivider(room);
            }
            this.recount(room);
        }
        this.readsLoaded = true;
        this.emit('reads');
    }

    /** Read up to the marker (here, or in another tab: the read event). */
    markRead(roomId, marker) {
        const room = this.room(roomId);
        if (!room || (room.lastRead !== null && !markerIsAfter(marker, room.lastRead))) {
            return false;
        }
        room.lastRead = marker;
        room.serverUnread = 0;
        room.serverMentions = 0;
        this.recount(room);
        this.emit('reads');
        return true;
    }

    setMuted(roomId, muted) {
        const room = this.room(roomId);
        if (room && room.muted !== muted) {
            room.muted = muted;
            this.emit('reads');
        }
    }

    /** Whether the open room is actually seen: the tab visible and, on a phone, the room shown. */
    get seeingActive() {
        return this.visible && this.lookingAtActive;
    }

    totalUnread() {
        return [...this.rooms.values()].filter((r) => !r.muted).reduce((sum, r) => sum + r.unread, 0);
    }

    // ---- the outbox: what I typed, until the server has stored it (each entry once, by its clientId)

    queue(roomId, message) {
        const entry = { clientId: newClientId(), roomId: String(roomId), message, queuedAt: Date.now(), sent: false };
        this.outbox.push(entry);
        this.emit('outbox');
        return entry;
    }

    /** The server stored one of mine: the entry it answers leaves the outbox (by clientId, else by room and text). */
    confirm(message) {
        if (!this.isMe(message.from) || this.outbox.length === 0) {
            return;
        }
        let index = this.outbox.findIndex((e) => (message.clientId && e.clientId === message.clientId)
            || (message.id && e.storedId === message.id));
        if (index < 0) {
            index = this.outbox.findIndex((e) => e.roomId === message.roomId && e.message.trim() === message.message.trim()
                && message.date * 1000 >= e.queuedAt - 120000);
        }
        if (index >= 0) {
            this.outbox.splice(index, 1);
            this.emit('outbox');
        }
    }

    /** The server says it stored an entry as message {@code id}: it leaves the outbox once that message is shown. */
    acknowledge(clientId, id) {
        const entry = this.outbox.find((e) => e.clientId === clientId);
        if (!entry) {
            return;
        }
        entry.storedId = id;
        const room = this.room(entry.roomId);
        if (id === null || (room && room.messages.some((m) => m.id === id))) {
            this.outbox.splice(this.outbox.indexOf(entry), 1);
            this.emit('outbox');
        }
    }

    /** The server refused an entry (its error frame): out of the outbox, returned to the caller. */
    reject(clientId) {
        const index = this.outbox.findIndex((e) => e.clientId === clientId);
        if (index < 0) {
            return null;
        }
        const [entry] = this.outbox.splice(index, 1);
        this.emit('outbox');
        return entry;
    }

    pendingIn(roomId) {
        return this.outbox.filter((e) => e.roomId === String(roomId));
    }

    get activeRoom() {
        return this.room(this.activeRoomId);
    }

    /**
     * Merges messages into their room; what is unread follows from the room's read marker. Mine
     * leave the outbox.
     */
    addMessages(roomId, messages, { fresh = false, older = false } = {}) {
        const room = this.room(roomId);
        if (!room) {
            return [];
        }
        const added = room.merge(messages);
        added.forEach((m) => this.confirm(m));
        room.changed.forEach((after, i) => this.countChange(room, room.replaced[i], after));
        if (room.changed.length > 0 && added.length === 0) {
            this.recount(room);
            this.emit('messages', { roomId: room.id, added, changed: room.changed, fresh, older });
        }
        if (added.length > 0) {
            if (room.id === this.activeRoomId && room.dividerBefore === undefined) {
                this.placeDivider(room);
            }
            this.recount(room);
            this.emit('messages', { roomId: room.id, added, fresh, older });
        }
        return added;
    }

    /** Drops every room's messages (their positions belong to an old epoch); the rooms are loaded again. */
    forgetMessages() {
        for (const room of this.rooms.values()) {
            room.messages = [];
            room.keys = new Set();
            room.loaded = false;
            room.hasOlder = false;
            room.unread = 0;
            this.emit('messages', { roomId: room.id, added: [], fresh: false, older: false });
        }
    }

    /** `refusal`: why the node refused the socket (a socket limit), when it said. */
    setConnection(state, retryInMs = 0, refusal = null) {
        this.connection = { state, retryInMs, refusal };
        if (state === 'open') {
            this.storeAvailable = true; // until the node says otherwise
        }
        this.emit('connection');
    }

    setStoreAvailable(available) {
        if (this.storeAvailable !== available) {
            this.storeAvailable = available;
            this.emit('connection');
        }
    }
}
