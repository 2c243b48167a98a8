package chat.messages.control;

/**
 * A retry of a post whose first attempt is still under way (or was cut off mid-way): whether that
 * one gets stored is not known yet, so the client should ask again with the same client message id.
 */
public class PostInProgress extends RuntimeException {

    public PostInProgress() {
        super("This message is still being stored; try again shortly", null, false, false);
    }
}
