package chat.realtime.relay;

/**
 * The relay subscribed again after losing its subscription: what the other nodes published
 * meanwhile (sessions that ended there, presence, the seed's events) never reached this node.
 * Fired on a Redis client thread; observers must not wait for Redis there.
 */
public record MissedRelayEvents() {
}
