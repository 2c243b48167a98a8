// The HTTP API (docs/PROTOCOL.md, "HTTP API"). Every call is same-origin with the session cookie; errors become ApiError.

export class ApiError extends Error {
    /** retryAfter: the seconds of the answer's Retry-After, or 0. */
    constructor(status, message, retryAfter = 0) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }
}

async function request(method, path, body) {
    const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
    } else if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
        // The server accepts changes only as JSON (its CSRF defence, docs/SECURITY.md): always send some.
        options.headers['Content-Type'] = 'application/json';
        options.body = '{}';
    } else if (method === 'DELETE') {
        // JSON like every state change (the CSRF guard wants it), but no body: Payara's HTTP
        // layer (Grizzly) answers 400 to a DELETE that carries one.
        options.headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
        response = await fetch(path, options);
    } catch (offline) {
        throw new ApiError(0, 'The server cannot be reached');
    }
    const text = await response.text();
    let json = null;
    if (text) {
        try {
            json = JSON.parse(text);
        } catch (notJson) {
            json = null;
        }
    }
    if (!response.ok) {
        const message = json && typeof json.message === 'string' ? json.message : `Request failed (${response.status})`;
        const retryAfter = Number(response.headers.get('Retry-After'));
        throw new ApiError(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 0);
    }
    return json;
}

const encode = encodeURIComponent;

export const api = {
    /** mode 'signin' never creates an account (404 for an unknown name); 'register' never signs in (409 when taken). */
    login: (username, password, mode) => request('POST', '/api/login', { username, password, mode }),
    me: () => request('GET', '/api/me'),
    logout: () => request('POST', '/api/logout'),
    logoutOthers: () => request('POST', '/api/logout/others'),
    changePassword: (currentPassword, newPassword) => request('POST', '/api/password', { currentPassword, newPassword }),
    randomName: () => request('GET', '/api/randomname'),
    limits: () => request('GET', '/api/limits'),
    users: (ids) => request('GET', '/api/users?' + ids.map((id) => 'ids=' + encode(id)).join('&')),
    onlineUsers: () => request('GET', '/api/users/online'),
    rooms: (userId) => request('GET', `/api/rooms/${encode(userId)}`),
    page: (roomId, offset, size) => request('GET', `/api/room/${encode(roomId)}/messages?offset=${offset}&size=${size}`),
    /** At most the server's catch-up limit of messages: a full answer means there may be more after its last one. */
    after: (roomId, messageId) => request('GET', `/api/room/${encode(roomId)}/messages?after=${encode(messageId)}`),
    openPrivateRoom: (user1, user2) => request('POST', '/api/room', { user1, user2 }),
    directory: (q, after, limit = 20) => request('GET', `/api/directory?q=${encode(q)}&limit=${limit}${after ? '&after=' + encode(after) : ''}`),
    reads: () => request('GET', '/api/reads'),
    markRead: (roomId, messageId) => request('POST', '/api/reads', { roomId, messageId }),
    mute: (roomId, muted) => request('POST', '/api/reads/mute', { roomId, muted }),
    hideRoom: (userId, roomId) => request('POST', `/api/rooms/${encode(userId)}/hidden`, { roomId }),
    editMessage: (roomId, id, message) => request('PATCH', `/api/room/${encode(roomId)}/messages/${encode(id)}`, { message }),
    deleteMessage: (roomId, id) => request('DELETE', `/api/room/${encode(roomId)}/messages/${encode(id)}`),
    // Channels (docs/PROTOCOL.md, "Channels"); every state change sends a JSON body, even an empty one.
    searchChannels: (query) => request('GET', '/api/channels?q=' + encode(query)),
    createChannel: (name, kind) => request('POST', '/api/channels', { name, kind }),
    channel: (id) => request('GET', `/api/channels/${encode(id)}`),
    joinChannel: (id) => request('POST', `/api/channels/${encode(id)}/join`, {}),
    leaveChannel: (id) => request('POST', `/api/channels/${encode(id)}/leave`, {}),
    invite: (id, username) => request('POST', `/api/channels/${encode(id)}/members`, { username }),
    removeMember: (id, userId) => request('DELETE', `/api/channels/${encode(id)}/members/${encode(userId)}`),
    changeChannel: (id, change) => request('PATCH', `/api/channels/${encode(id)}`, change),
};
