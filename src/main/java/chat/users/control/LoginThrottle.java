package chat.users.control;

import chat.config.Settings;
import chat.api.ChatError;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Slows down password guessing and registration floods, counted in Redis so every node shares
 * the counts, and bounds the bcrypt work this node does at once (one check costs ~70 ms of CPU).
 */
@ApplicationScoped
public class LoginThrottle {

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    private volatile Semaphore bcrypt;

    /** 429 when the name or the address has failed too often lately; checked before any bcrypt. */
    public void checkLogin(String username, String address) {
        refuseIfOver(RedisKeys.loginFailuresOfUser(username), settings.loginFailuresAllowed(), "Too many failed logins for this user");
        refuseIfOver(RedisKeys.loginFailuresOfAddress(address), settings.loginFailuresAllowed(), "Too many failed logins from your address");
    }

    public void failed(String username, String address) {
        count(RedisKeys.loginFailuresOfUser(username), settings.loginFailureWindow());
        count(RedisKeys.loginFailuresOfAddress(address), settings.loginFailureWindow());
    }

    public void succeeded(String username, String address) {
        redis.getAtomicLong(RedisKeys.loginFailuresOfUser(username)).delete();
        redis.getAtomicLong(RedisKeys.loginFailuresOfAddress(address)).delete();
    }

    /** Counts a registration from the address; 429 when the hourly allowance is used up. */
    public void checkRegistration(String address) {
        String key = RedisKeys.registrationsOfAddress(address);
        refuseIfOver(key, settings.registrationsPerHour(), "Too many new users from your address");
        count(key, Duration.ofHours(1));
    }

    /** Runs bcrypt work with a bounded number of threads; 503 when the node is saturated. */
    public <T> T hashing(java.util.function.Supplier<T> work) {
        Semaphore permits = permits();
        try {
            if (!permits.tryAcquire(5, TimeUnit.SECONDS)) {
                throw new ChatError(503, "Too many logins at once, try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatError(503, "Interrupted");
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    private Semaphore permits() {
        if (bcrypt == null) {
            synchronized (this) {
                if (bcrypt == null) {
                    bcrypt = new Semaphore(settings.bcryptConcurrency(), true);
                }
            }
        }
        return bcrypt;
    }

    private void refuseIfOver(String key, int allowed, String message) {
        RAtomicLong counter = redis.getAtomicLong(key);
        if (counter.get() >= allowed) {
            long ttl = counter.remainTimeToLive();
            long seconds = ttl > 0 ? (ttl + 999) / 1000 : 60;
            throw ChatError.tooManyRequests(message, seconds);
        }
    }

    private void count(String key, Duration window) {
        RAtomicLong counter = redis.getAtomicLong(key);
        if (counter.incrementAndGet() == 1) {
            counter.expire(window);
        }
    }

}
