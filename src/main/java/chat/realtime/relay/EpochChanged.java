package chat.realtime.relay;

/**
 * The message epoch changed (docs/PROTOCOL.md, "Positions and epochs"): Redis lost its data or
 * went back to an older state. Fired on the log's follower before it delivers anything of the new
 * epoch; observers run there and may call Redis.
 */
public record EpochChanged() {
}
