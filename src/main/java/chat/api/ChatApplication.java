package chat.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Map;

@ApplicationPath("/api")
public class ChatApplication extends Application {

    /** No generated WADL: it would describe every endpoint and name Jersey's version to anyone (other runtimes ignore it). */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
