package chat.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Map;

@ApplicationPath("/api")
public class ChatApplication extends Application {

    /**
     * No generated WADL: it would describe every endpoint and name Jersey's version to anyone. And an
     * answer Jersey could not write only sets its status: with the container's error page instead, an
     * answer to a client that had hung up was logged twice with stack traces (the page's flush, then
     * the container's default page), for every request such a client had sent (docs/SECURITY.md, "No
     * stalls"); every error of ours carries its JSON already. Other runtimes ignore both.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true,
                "jersey.config.server.response.setStatusOverSendError", true);
    }
}
