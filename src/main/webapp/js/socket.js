// The WebSocket at /ws (docs/PROTOCOL.md, "WebSocket"): one JSON event per line of a server frame, automatic
// reconnection with capped exponential backoff and jitter. The socket counts as open when the
// server's `ready` frame arrives: the server knows the socket from then on, so a catch-up started
// then misses nothing.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
/** A server without the `ready` frame: count the socket as open after this long anyway. */
const READY_WAIT_MS = 5000;

export class ChatSocket {
    /**
     * @param handlers {onEvent(type, data), onOpen(ready), onDown({attempt, retryInMs, refusal}), shouldRetry(): Promise<boolean>};
     *                 onOpen gets the ready frame's data ({epoch}), or null from a server that sends none
     */
    constructor(handlers) {
        this.handlers = handlers;
        this.ws = null;
        this.attempt = 0;
        this.timer = null;
        this.stopped = true;
        this.retryAt = 0;
    }

    start() {
        this.stopped = false;
        this.attempt = 0;
        this.connect();
    }

    /** Closes for good (logout): no reconnect. */
    stop() {
        this.stopped = true;
        clearTimeout(this.timer);
        const ws = this.ws;
        this.ws = null;
        if (ws) {
            ws.close(1000, 'bye');
        }
    }

    get isOpen() {
        return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
    }

    send(type, data) {
        if (!this.isOpen) {
            return false;
        }
        this.ws.send(JSON.stringify({ type, data }));
        return true;
    }

    /** Skips the remaining backoff (the user pressed "reconnect now", or the browser came back online). */
    retryNow() {
        if (!this.stopped && this.ws === null) {
            clearTimeout(this.timer);
            this.connect();
        }
    }

    connect() {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        const ws = new WebSocket(`${scheme}//${location.host}/ws`);
        this.ws = ws;
        let opened = false;
        let readyTimer = null;
        const ready = (data) => {
            if (opened || this.ws !== ws) {
                return;
            }
            clearTimeout(readyTimer);
            opened = true;
            this.attempt = 0;
            this.handlers.onOpen(data);
        };
        ws.onopen = () => {
            if (this.ws === ws) {
                readyTimer = setTimeout(() => ready(null), READY_WAIT_MS);
            }
        };
        ws.onmessage = (event) => {
            if (this.ws !== ws) {
                return;
            }
            for (const line of String(event.data).split('\n')) {
                if (line.trim() === '') {
                    continue;
                }
                let parsed;
                try {
                    parsed = JSON.parse(line);
                } catch (malformed) {
                    continue; // one bad line must not hide the others
                }
                if (!parsed || typeof parsed.type !== 'string') {
                    continue;
                }
                if (parsed.type === 'ready') {
                    ready(parsed.data && typeof parsed.data === 'object' ? parsed.data : null);
                } else {
                    this.handlers.onEvent(parsed.type, parsed.data);
                }
            }
        };
        ws.onclose = () => {
            clearTimeout(readyTimer);
            if (this.ws !== ws) {
                return;
            }
            this.ws = null;
            if (!this.stopped) {
                this.scheduleRetry(opened);
            }
        };
    }

    async scheduleRetry(wasOpen) {
        this.attempt = wasOpen ? 1 : this.attempt + 1;
        const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** (this.attempt - 1));
        let delay = Math.round(base / 2 + Math.random() * base / 2);
        let refusal = null;
        if (!wasOpen) {
            // Refused before it opened: a node that is starting or flooded with reconnections says
            // when to come back; spread over [Retry-After, 2 x Retry-After] so that not everyone returns at once.
            // Over a socket limit it says why: then only another tab's closing helps, so come back slowly.
            const asked = await whenToRetry();
            if (this.stopped || this.ws !== null) {
                return;
            }
            if (asked.retryAfterMs > 0) {
                delay = Math.max(delay, Math.round(asked.retryAfterMs * (1 + Math.random())));
            }
            if (asked.refusal) {
                refusal = asked.refusal;
                delay = Math.max(delay, MAX_DELAY_MS);
            }
        }
        this.retryAt = Date.now() + delay;
        this.handlers.onDown({ attempt: this.attempt, retryInMs: delay, refusal });
        clearTimeout(this.timer);
        this.timer = setTimeout(async () => {
            // A refused handshake looks like any other failure: ask whether the session still exists.
            if (this.attempt > 1 && !(await this.handlers.shouldRetry())) {
                this.stop();
                return;
            }
            if (!this.stopped && this.ws === null) {
                this.connect();
            }
        }, delay);
    }
}

/**
 * A page cannot read the status of a refused WebSocket handshake, so it asks /ws with a plain GET:
 * 503 with Retry-After means "come back then" (`retryAfterMs`); 429 means a socket limit, whose
 * message is the `refusal`; anything else, come back as usual.
 */
async function whenToRetry() {
    try {
        const response = await fetch('/ws', { cache: 'no-store', credentials: 'same-origin' });
        if (response.status === 429) {
            const body = await response.json().catch(() => null);
            return { retryAfterMs: 0, refusal: body && typeof body.message === 'string' ? body.message : 'Too many open connections' };
        }
        if (response.status !== 503) {
            return { retryAfterMs: 0, refusal: null };
        }
        const seconds = Number(response.headers.get('Retry-After'));
        return { retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : 0, refusal: null };
    } catch (offline) {
        return { retryAfterMs: 0, refusal: null };
    }
}
