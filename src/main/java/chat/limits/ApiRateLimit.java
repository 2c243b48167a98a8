package chat.limits;

import chat.ChatConfig;
import chat.api.ChatError;
import chat.redis.RedisKeys;
import chat.sessions.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/** API calls per login session, across all nodes: a burst, then a steady rate; beyond it 429. */
@Provider
public class ApiRateLimit implements ContainerRequestFilter {

    @Inject
    Caller caller;

    @Inject
    TokenBuckets buckets;

    @Inject
    ChatConfig config;

    @Override
    public void filter(ContainerRequestContext request) {
        caller.session().ifPresent(session -> {
            if (!buckets.take(RedisKeys.apiRate(session.key()), config.apiBurst(), config.apiCallsPerSecond())) {
                throw ChatError.tooManyRequests("Too many requests, slow down", 1);
            }
        });
    }
}
