package chat.realtime.hub;

import chat.presence.PresenceChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;

/** Turns this node's presence changes into the {@code user.connected} / {@code user.disconnected} events everyone receives. */
@ApplicationScoped
public class PresenceEvents {

    /** Looked up once: {@code Json.createX} looks the provider up again on every call (a class path scan). */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Event<ChatEvent> events;

    void announce(@Observes PresenceChange change) {
        String data = JSON.createObjectBuilder().add("id", change.user().id()).add("username", change.user().username())
                .add("online", change.online()).build().toString();
        events.fire(new ChatEvent(change.online() ? ChatEvent.USER_CONNECTED : ChatEvent.USER_DISCONNECTED, data, null, null));
    }
}
