package chat.messages.control;

import chat.api.ChatError;
import chat.api.UnexpectedErrorMapper;
import chat.messages.entity.Posted;
import chat.rooms.control.RoomId;
import org.redisson.client.RedisConnectionException;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One socket's posts on their way to Redis, in the order the sender sent them. A post is sent at
 * once when none of the socket's is in flight; posts that arrive meanwhile wait and go together,
 * in order, as the next round trip ({@link PostingScript#send}). So a socket's posts are stored
 * in the order sent, and a sender is no longer held to one post per round trip: waiting for each
 * answer before reading the next frame capped a socket at about 400 posts a second once the
 * node was busy, and ten busy senders made the node's knee (docs/bench/ROUND-4-NOTES.md, "A sender's
 * posts without waiting for each other").
 *
 * <p>A call that ends without an answer from Redis (a timeout, a lost connection) leaves the
 * outcome unknown: Redis may have run the script, or run it once it answers again. Such posts
 * are sent again with the same post ids, which the script stores at most once, until Redis
 * answers or {@link #PATIENCE} has passed. A post without a client message id carries an id of
 * the server's (one a client cannot send), remembered briefly. So a sender is told of a failure
 * only when nothing was stored, or after {@link #PATIENCE} when it cannot be known yet.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    /** How long a sender waits for a post whose outcome Redis has not told yet; longer than most Redis restarts and failovers. */
    static final Duration PATIENCE = Duration.ofSeconds(20);
    /** Posts per round trip. */
    private static final int BATCH = 32;
    /** Posts that may wait behind those in flight; a sender further ahead waits for room. */
    static final int QUEUED = 64;
    private static final int REMEMBERED_ROOMS = 100;

    private final PostingScript script;
    private final ScheduledExecutorService retries;
    private final Semaphore waitingPosts;
    private final ArrayDeque<Pending> queued = new ArrayDeque<>(); // guarded by this
    private boolean sending; // guarded by this: posts of this socket are in flight
    /** Private rooms where this socket's posts were stored (so none of its next posts there is a room's first). */
    private final Set<String> privateRoomsWithMessages = ConcurrentHashMap.newKeySet();

    /**
     * @param retries where posts whose outcome is unknown are sent again after a pause
     * @param waitingPosts how many posts of the node may wait for Redis's answer at once; beyond that
     *                     a sender is told at once that the outcome is unknown
     */
    Outbox(PostingScript script, ScheduledExecutorService retries, Semaphore waitingPosts) {
        this.script = script;
        this.retries = retries;
        this.waitingPosts = waitingPosts;
    }

    /**
     * Queues the post behind this socket's earlier ones; while {@link #QUEUED} of them wait, waits
     * for room (so a sender far ahead of the store is held back, as when every post waited for its
     * answer), for up to {@link #PATIENCE}.
     *
     * @param serverId whether the post id is the server's (then a stored original is this post's own earlier try)
     * @param finish   what to make of the script's answer; the socket's next posts wait until it is done, so
     *                 that a post that needs more than the script is not overtaken by the sender's next one
     * @return what {@code finish} made of the answer, or the error that leaves the post unstored or its outcome unknown
     * @throws ChatError 503 when the socket's posts did not move for {@link #PATIENCE}
     */
    CompletableFuture<Posted> post(PostingScript.Post post, boolean serverId,
                                   Function<PostingScript.Answer, CompletableFuture<Posted>> finish) {
        Pending pending = new Pending(post, serverId, finish);
        List<Pending> batch;
        synchronized (this) {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            for (long left = PATIENCE.toNanos(); queued.size() >= QUEUED; left = deadline - System.nanoTime()) {
                if (left <= 0) {
                    throw ChatError.unavailable("The chat store is not keeping up; the message was not stored, try again shortly", 1);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ChatError.unavailable("The node is stopping; the message was not stored", 1);
                }
            }
            queued.add(pending);
            batch = sending ? null : next();
        }
        if (batch != null) {
            send(batch, 100);
        }
        return pending.posted;
    }

    /** The next batch, or null when none waits (then nothing of this socket is in flight any more); caller holds the lock. */
    private List<Pending> next() {
        if (queued.isEmpty()) {
            sending = false;
            return null;
        }
        sending = true;
        List<Pending> batch = new ArrayList<>(Math.min(BATCH, queued.size()));
        while (batch.size() < BATCH && !queued.isEmpty()) {
            Pending post = queued.poll();
            batch.add(post);
            if (post.privateRoom && !privateRoomsWithMessages.contains(post.post().draft().roomId())) {
                break; // perhaps the room's first message, which needs calls after the script's: what follows waits for them
            }
        }
        notifyAll(); // room for a sender that waits
        return batch;
    }

    private void send(List<Pending> batch, long pauseMillis) {
        List<CompletableFuture<PostingScript.Answer>> calls;
        try {
            calls = script.send(batch.stream().map(Pending::post).toList());
        } catch (RuntimeException notSent) {
            List<CompletableFuture<PostingScript.Answer>> failed = batch.stream()
                    .map(p -> CompletableFuture.<PostingScript.Answer>failedFuture(notSent)).toList();
            try { // settled from another thread: a run of such failures must not nest, batch after batch, on this one
                retries.execute(() -> settle(batch, failed, pauseMillis));
            } catch (RejectedExecutionException stopping) {
                batch.forEach(post -> post.failed(stopping));
            }
            return;
        }
        List<CompletableFuture<PostingScript.Answer>> answers = calls;
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((all, anyFailed) -> settle(batch, answers, pauseMillis));
    }

    /** Answers the batch's posts whose calls ended, sends again those Redis left unanswered, then the next batch. */
    private void settle(List<Pending> batch, List<CompletableFuture<PostingScript.Answer>> calls, long pauseMillis) {
        List<Pending> again = new ArrayList<>();
        List<CompletableFuture<Posted>> finished = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Pending post = batch.get(i);
            CompletableFuture<PostingScript.Answer> call = calls.get(i);
            if (!call.isCompletedExceptionally()) {
                PostingScript.Answer answer = call.join();
                if (post.privateRoom && answer instanceof PostingScript.Answer.Stored && privateRoomsWithMessages.size() < REMEMBERED_ROOMS) {
                    privateRoomsWithMessages.add(post.post().draft().roomId());
                }
                finished.add(post.answered(answer));
            } else {
                RuntimeException error = cause(call);
                if (post.tryAgain(error, pauseMillis)) {
                    again.add(post);
                } else {
                    post.failed(error);
                }
            }
        }
        if (!again.isEmpty()) { // Redis is away: try again after a pause, and keep the rest behind them
            try {
                retries.schedule(() -> send(again, Math.min(1000, pauseMillis * 2)), pauseMillis, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException stopping) {
                again.forEach(post -> post.failed(stopping));
            }
        }
        CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new)).whenComplete((all, anyFailed) -> sendNext());
    }

    private void sendNext() {
        List<Pending> next;
        synchronized (this) {
            next = next();
        }
        if (next != null) {
            send(next, 100);
        }
    }

    /** The error a failed call ended with. */
    private static RuntimeException cause(CompletableFuture<?> failed) {
        Throwable error = failed.handle((none, e) -> e).join();
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }

    /**
     * No connection to Redis could be had: the script was never sent, so nothing was stored and
     * there is nothing to find out by waiting (a Redis that is down refuses every post at once).
     * True of a first try only: a post sent again because an earlier try's outcome is unknown waits on
     * (a Redis restarted from its append-only file had stored a first try whose sender was then
     * told "unavailable" when the retry found Redis down).
     */
    private static boolean neverSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            // Redisson's own failure to connect, or the transport's refused connect wrapped in a
            // RedisException (Netty's epoll transport: "finishConnect(..) failed: Connection refused").
            if (t instanceof RedisConnectionException || t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** A post in this outbox, with how long it has waited for an answer. */
    private final class Pending {

        private final PostingScript.Post post;
        private final boolean serverId;
        private final boolean privateRoom;
        private final Function<PostingScript.Answer, CompletableFuture<Posted>> finish;
        private final long deadline = System.nanoTime() + PATIENCE.toNanos();
        private final CompletableFuture<Posted> posted = new CompletableFuture<>();
        private boolean waiting; // holds one of the node's waiting posts' permits

        Pending(PostingScript.Post post, boolean serverId, Function<PostingScript.Answer, CompletableFuture<Posted>> finish) {
            this.post = post;
            this.serverId = serverId;
            this.privateRoom = RoomId.privateMembers(post.draft().roomId()).isPresent();
            this.finish = finish;
        }

        PostingScript.Post post() {
            return post;
        }

        /** Whether to send this post again after {@code pauseMillis}: its outcome is unknown and it may wait on. */
        boolean tryAgain(RuntimeException error, long pauseMillis) {
            // A retry that could not be sent says nothing of an earlier try whose outcome is unknown: wait on.
            if (UnexpectedErrorMapper.isOutOfMemory(error) || !UnexpectedErrorMapper.isRedisOutage(error) || (!waiting && neverSent(error))
                    || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) > deadline
                    || (!waiting && !waitingPosts.tryAcquire())) {
                return false;
            }
            waiting = true;
            return true;
        }

        /** @return {@link #posted}, once finished */
        CompletableFuture<Posted> answered(PostingScript.Answer answer) {
            if (waiting) {
                LOG.fine(() -> "A post whose outcome was unknown got its answer from Redis");
            }
            // The original of a retry of ours is this post, not a client's earlier one.
            PostingScript.Answer ours = (waiting || serverId) && answer instanceof PostingScript.Answer.Stored stored
                    ? new PostingScript.Answer.Stored(new Posted(stored.posted().stored(), false)) : answer;
            release();
            CompletableFuture<Posted> end;
            try {
                end = finish.apply(ours);
            } catch (RuntimeException e) {
                end = CompletableFuture.failedFuture(e);
            }
            end.whenComplete((done, failed) -> {
                if (failed != null) {
                    posted.completeExceptionally(failed);
                } else {
                    posted.complete(done);
                }
            });
            return posted;
        }

        void failed(RuntimeException error) {
            posted.completeExceptionally(error);
            release();
        }

        private void release() {
            if (waiting) {
                waiting = false;
                waitingPosts.release();
            }
        }
    }
}
