package chat.limits;

import chat.config.Settings;
import chat.api.ChatError;
import chat.sessions.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * API calls per login session: a burst, then a steady rate; beyond it 429. Counted on each node
 * (a client spreading calls over N nodes gets N times the rate), so that reading the API, and
 * refusing bad requests, writes nothing to Redis.
 */
@Provider
public class ApiRateLimit implements ContainerRequestFilter {

    @Inject
    Caller caller;

    @Inject
    LocalTokenBuckets buckets;

    @Inject
    Settings settings;

    @Override
    public void filter(ContainerRequestContext request) {
        caller.session().ifPresent(session -> {
            if (!buckets.take(session.key(), settings.apiBurst(), settings.apiCallsPerSecond())) {
                throw ChatError.tooManyRequests("Too many requests, slow down", 1);
            }
        });
    }
}
