package chat.realtime.socket;

import chat.limits.TokenBucket;

/**
 * How fast one socket may send frames, counted in this node's memory before a frame costs Redis
 * anything: the user's message burst and rate ({@code CHAT_MESSAGE_BURST}, {@code
 * CHAT_MESSAGES_PER_SECOND}) and a little more for the frames that are not messages (the seed's
 * clients' {@code room.join}). The user's limit itself, shared by all nodes, lives in Redis, and
 * every frame was checked there: one client sending as fast as it could had the Redis that every
 * node shares run the posting script 200,000 times in 3 s, each to answer "no token" (or a
 * membership check per {@code room.join}). As a socket never gets more from this allowance than its
 * user gets from Redis, plus the slack, a message refused here would have been refused there. A
 * socket refused more than {@link #REFUSALS_BEFORE_CLOSING} times, less {@link
 * #REFUSALS_FORGIVEN_PER_SECOND} a second since, is closed: answering each frame still costs the
 * node a parse and a write (a page that sends a long outbox at once is refused a few dozen times).
 */
final class FrameAllowance {

    static final int SLACK = 20;
    static final double SLACK_PER_SECOND = 5;
    static final int REFUSALS_BEFORE_CLOSING = 1000;
    static final double REFUSALS_FORGIVEN_PER_SECOND = 100;

    enum Verdict { ACCEPT, REFUSE, CLOSE }

    private final TokenBucket frames;
    private long at = System.nanoTime();
    private double refusals;

    FrameAllowance(int messageBurst, double messagesPerSecond) {
        frames = new TokenBucket((double) messageBurst + SLACK, messagesPerSecond + SLACK_PER_SECOND, at);
    }

    /** Takes one frame's place. Synchronized for runtimes that may hand one socket's frames to different threads. */
    synchronized Verdict take() {
        long now = System.nanoTime();
        refusals = Math.max(0, refusals - (now - at) / 1e9 * REFUSALS_FORGIVEN_PER_SECOND);
        at = now;
        if (frames.take(now)) {
            return Verdict.ACCEPT;
        }
        return ++refusals > REFUSALS_BEFORE_CLOSING ? Verdict.CLOSE : Verdict.REFUSE;
    }
}
