package chat.api;

import chat.config.AppThreads;
import chat.config.Settings;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * No client can hold a request thread with its body: an API request body is read into memory, at
 * most {@code CHAT_MAX_REQUEST_BYTES} (413 beyond, once the body is over; a body over
 * {@link #DISCARDED_BYTES} is not read at all), and only then handed to
 * the API. A body that came whole with the headers is read at once; one still on its way is read
 * without a thread (non-blocking servlet I/O) within {@code CHAT_REQUEST_BODY_TIMEOUT} (408 after)
 * and the API runs in an async dispatch. Works the same on every servlet container (docs/SECURITY.md).
 */
public class BoundedBody extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(BoundedBody.class.getName());
    private static final String BODY = BoundedBody.class.getName() + ".body";
    private static final String READING = BoundedBody.class.getName() + ".reading";
    /** How long an async dispatch may take to begin before its client is told to try again (see {@link Reading#dispatch}). */
    private static final Duration DISPATCH_START = Duration.ofSeconds(10);
    /**
     * How long after the filter returns a body that arrived meanwhile waits before it is dispatched,
     * so that the container has left the request's first dispatch (see {@link Reading#dispatchOnceTheContainerLeft}).
     */
    private static final Duration CONTAINER_EXIT = Duration.ofMillis(20);
    /**
     * The largest refused body that is still read (and discarded) to its end before the 413: the
     * container closes the connection after a 413, and closed with the body still arriving it is
     * reset, which a client still writing (the JDK's HTTP client) may get instead of the answer.
     * Beyond this the filter reads none of it and answers at once; what the container then does with
     * the rest is its own (Payara reads it to its end: docs/SECURITY.md, "No stalls").
     */
    static final long DISCARDED_BYTES = 1024 * 1024;
    private static final String NOT_UTF8 = "The request body is not valid UTF-8";
    /** How long the API may take once a body read without a thread is in. */
    private static final Duration API_CALL_ALLOWANCE = Duration.ofSeconds(60);

    private ScheduledExecutorService bodyDeadlines;

    @Override
    public void init() {
        bodyDeadlines = Executors.newSingleThreadScheduledExecutor(task -> AppThreads.daemon("chat-request-body-deadlines", task));
    }

    @Override
    public void destroy() {
        bodyDeadlines.shutdownNow();
    }

    @Inject
    Settings settings;

    @Inject
    RequestContextController requestContext;

    @Inject
    CurrentRequest currentRequest;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(BODY) instanceof byte[] body) {
            if (request.getAttribute(READING) instanceof Reading reading && !reading.dispatchStarted()) {
                return; // too late: the client was told to try again
            }
            // Payara starts no CDI request context for an async dispatch: the API's request-scoped beans need one.
            boolean activated = requestContext.activate();
            try {
                HttpServletRequest withBody = new WithBody(request, body);
                currentRequest.dispatched(withBody);
                chain.doFilter(withBody, response);
            } finally {
                currentRequest.dispatched(null); // should the context outlive the dispatch, it keeps no request
                if (activated) {
                    requestContext.deactivate();
                }
            }
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared <= 0 && request.getHeader("Transfer-Encoding") == null) {
            // No body: the API gets an empty one and never reads the connection. A request that offers a
            // protocol upgrade (Upgrade: h2c, or anything) leaves the rest of the connection to Grizzly as
            // the new protocol's, so reading its body waits for an end that never comes, holding the thread.
            chain.doFilter(new WithBody(request, new byte[0]), response);
            return;
        }
        int max = settings.maxRequestBytes();
        if (declared > DISCARDED_BYTES) {
            tooLarge(response, max);
            return;
        }
        ServletInputStream in = request.getInputStream();
        if (declared > max && in.available() >= declared) {
            in.skipNBytes(declared); // all there: read to its end, so that the connection closes cleanly
            tooLarge(response, max);
            return;
        }
        if (declared > 0 && in.available() >= declared) {
            // The whole body came with the headers, as nearly every API call's does: reading it cannot
            // block, so it is read here and the request stays on this thread. Going async would cost more
            // than a thread hop: Payara fires the request's end on the thread that completes it, not the
            // one that began it, and Weld, which binds the CDI request context to a thread, warns three
            // times a request (WELD-000714, -000225, -000335) and leaks that context into the next one.
            byte[] body = in.readNBytes((int) declared);
            if (!isUtf8(body)) {
                JsonErrors.write(response, 400, NOT_UTF8);
                return;
            }
            chain.doFilter(new WithBody(request, body), response);
            return;
        }
        AsyncContext async = request.startAsync();
        // The container's timeout runs on through the dispatch and cannot be changed once the body is
        // in, so it must leave room for the API call too (a login queued for bcrypt on a busy node took
        // longer than the body's 10 s and got the container's 500); the body's own deadline is ours.
        long bodyMillis = settings.requestBodyTimeout().toMillis();
        async.setTimeout(bodyMillis + API_CALL_ALLOWANCE.toMillis());
        Reading reading = new Reading(async, in, max, declared, bodyDeadlines, CONTAINER_EXIT);
        async.addListener(reading);
        reading.deadline = bodyDeadlines.schedule(reading::tooSlow, bodyMillis, TimeUnit.MILLISECONDS);
        in.setReadListener(reading);
        reading.firstDispatchEnds();
    }

    /**
     * Whether the body is well-formed UTF-8, which every API body is (JSON, {@link CrossSiteGuard}):
     * decoded leniently, bytes that are not would reach the store as U+FFFD, a text nobody wrote.
     */
    static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)); // reports malformed input by default
            return true;
        } catch (CharacterCodingException malformed) {
            return false;
        }
    }

    private static void tooLarge(HttpServletResponse response, int max) throws IOException {
        response.setHeader("Connection", "close");
        JsonErrors.write(response, 413, tooLargeMessage(max));
    }

    private static String tooLargeMessage(int max) {
        return "The request body may have at most " + max + " bytes";
    }

    /** Collects the body as it arrives; the first of all-read, too-large, timeout or error decides. */
    static final class Reading implements ReadListener, AsyncListener {
        private final AsyncContext async;
        private final ServletInputStream in;
        private final int max;
        private final long declared;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private long discarded; // bytes read past the limit, guarded by body; more than 0: the answer is 413
        private final byte[] buffer = new byte[8192];
        private final AtomicBoolean decided = new AtomicBoolean();
        private final ScheduledExecutorService timers;
        private final Duration containerExit;
        private volatile ScheduledFuture<?> deadline; // when the body must be in
        /** IN_FIRST_DISPATCH until the filter returns; BODY_IN if the body came before that; then LEFT. */
        private final AtomicInteger firstDispatch = new AtomicInteger(IN_FIRST_DISPATCH);
        private volatile long leftAtNanos; // when the filter returned
        /** DISPATCHED until the async dispatch begins (STARTED) or its client is told to try again (ABANDONED). */
        private final AtomicInteger dispatch = new AtomicInteger(NOT_DISPATCHED);

        private static final int IN_FIRST_DISPATCH = 0, BODY_IN = 1, LEFT = 2;
        private static final int NOT_DISPATCHED = 0, DISPATCHED = 1, STARTED = 2, ABANDONED = 3;

        Reading(AsyncContext async, ServletInputStream in, int max, long declared, ScheduledExecutorService timers,
                Duration containerExit) {
            this.async = async;
            this.in = in;
            this.max = max;
            this.declared = declared;
            this.timers = timers;
            this.containerExit = containerExit;
        }

        /**
         * The filter is done with the request's first dispatch. A body that arrived on another thread
         * while the filter ran is dispatched from here, by the thread the container leaves on, so that
         * no other thread asks for a dispatch while the container leaves (see
         * {@link #dispatchOnceTheContainerLeft}).
         */
        void firstDispatchEnds() {
            leftAtNanos = System.nanoTime();
            if (!firstDispatch.compareAndSet(IN_FIRST_DISPATCH, LEFT)) {
                dispatch();
            }
        }

        /** The async dispatch begins, unless its client was told to try again meanwhile. */
        boolean dispatchStarted() {
            return dispatch.compareAndSet(DISPATCHED, STARTED);
        }

        /**
         * Dispatches the request to the API. Should the container still lose the dispatch (asked for
         * between the filter's return and the first dispatch's end), the client is told to try again
         * after {@link #DISPATCH_START} rather than left waiting for the container's timeout.
         */
        private void dispatch() {
            async.getRequest().setAttribute(READING, this);
            dispatch.set(DISPATCHED);
            async.dispatch();
            timers.schedule(() -> {
                if (dispatch.compareAndSet(DISPATCHED, ABANDONED)) {
                    LOG.warning("An API request whose body arrived late was not dispatched by the container within "
                            + DISPATCH_START.toSeconds() + " s; its client is told to try again");
                    answer(503, "The server is busy, try again shortly");
                }
            }, DISPATCH_START.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!decided.get() && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    onAllDataRead();
                    return;
                }
                long read;
                synchronized (body) {
                    if (discarded > 0 || body.size() + n > max) {
                        discarded += n; // too large: read on to the end (see DISCARDED_BYTES), keep nothing more
                    } else {
                        body.write(buffer, 0, n);
                    }
                    read = body.size() + discarded;
                }
                if (read > DISCARDED_BYTES && decided.compareAndSet(false, true)) {
                    answer(413, tooLargeMessage(max));
                    return;
                }
                // Payara's isFinished() says true before a declared body is read, and onAllDataRead may
                // not follow the last bytes: a body as long as declared is complete.
                if (declared > 0 && read >= declared) {
                    onAllDataRead();
                    return;
                }
            }
        }

        /** The body's deadline passed. */
        void tooSlow() {
            if (decided.compareAndSet(false, true)) {
                if (isTooLarge()) {
                    answer(413, tooLargeMessage(max));
                } else {
                    answer(408, "The request body took too long to arrive");
                }
            }
        }

        private boolean isTooLarge() {
            synchronized (body) {
                return discarded > 0;
            }
        }

        @Override
        public void onAllDataRead() {
            if (decided.compareAndSet(false, true)) {
                ScheduledFuture<?> due = deadline;
                if (due != null) {
                    due.cancel(false);
                }
                if (isTooLarge()) {
                    answer(413, tooLargeMessage(max));
                    return;
                }
                byte[] whole;
                synchronized (body) {
                    whole = body.toByteArray();
                }
                if (!isUtf8(whole)) {
                    answer(400, NOT_UTF8);
                    return;
                }
                async.getRequest().setAttribute(BODY, whole);
                if (!firstDispatch.compareAndSet(IN_FIRST_DISPATCH, BODY_IN)) {
                    dispatchOnceTheContainerLeft();
                }
            }
        }

        /**
         * The filter has returned, but the container may still be leaving the first dispatch. Payara
         * 6.2025.10 loses a dispatch asked for from another thread right then: its
         * {@code AsyncContextImpl.dispatch} reads "the first dispatch is under way" and only afterwards
         * stores the dispatch for the end of it, while {@code onExitService} clears that mark and looks
         * for a stored dispatch in between, without a lock. Leaving the container takes microseconds, so
         * a body that came within {@link #CONTAINER_EXIT} of the filter's return is dispatched that long
         * after it; a later one at once.
         */
        private void dispatchOnceTheContainerLeft() {
            long wait = containerExit.toNanos() - (System.nanoTime() - leftAtNanos);
            if (wait > 0) {
                timers.schedule(this::dispatch, wait, TimeUnit.NANOSECONDS);
            } else {
                dispatch();
            }
        }

        @Override
        public void onError(Throwable error) {
            if (decided.compareAndSet(false, true)) {
                // Mostly a client that went away mid-body: nothing to alarm anyone. Should it still be
                // there (a body the container could not decode), it gets an answer rather than an empty 200.
                LOG.fine(() -> "Request body not received: " + error);
                answer(400, "The request body could not be read");
            }
        }

        /** The container's timeout: the body's deadline has long passed (or the API call outlived its allowance). */
        @Override
        public void onTimeout(AsyncEvent event) {
            tooSlow();
        }

        /** Answers and ends the request whatever happens: an async request left open is never answered. */
        private void answer(int status, String message) {
            try {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                if (!response.isCommitted()) {
                    response.setHeader("Connection", "close");
                    JsonErrors.write(response, status, message);
                }
            } catch (IOException | IllegalStateException clientGone) {
                LOG.fine(() -> "Could not answer " + status + ": " + clientGone);
            } finally {
                async.complete();
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /** The request with its body already read. */
    private static final class WithBody extends HttpServletRequestWrapper {
        private final byte[] body;
        private final ServletInputStream stream;

        WithBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.stream = streamOf(body);
        }

        @Override
        public ServletInputStream getInputStream() {
            return stream;
        }

        private static ServletInputStream streamOf(byte[] body) {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("The body has been read already");
                }

                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return bytes.read(b, off, len);
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(stream,
                    java.nio.charset.Charset.forName(getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding())));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
