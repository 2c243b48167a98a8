package chat.users.control;

import chat.config.Settings;
import chat.redis.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Device cookies (OWASP): a browser that logged in as a user holds {@code chat_device_<id>} =
 * {@code nonce.signature}, HMAC-SHA256 over the user id, the nonce and the user's stored password
 * hash. It proves that this browser knew the password, so guesses from elsewhere cannot lock it out
 * (see {@link LoginThrottle}). The hash (new salt and all) changes with the password, so a new
 * password voids every device cookie issued before: whoever once knew the old one, and collected
 * cookies while it lasted, gets no allowance of guesses against the new one.
 */
@ApplicationScoped
public class DeviceCookies {

    static final String PREFIX = "chat_device_";
    static final Duration MAX_AGE = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    @Inject
    RedissonClient redis;

    @Inject
    Settings settings;

    private volatile Key key;

    /**
     * The device id of this browser for the user, when it holds a genuine device cookie of theirs
     * issued since their password became {@code passwordHash}.
     */
    public Optional<String> deviceOf(HttpServletRequest request, String userId, String passwordHash) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if ((PREFIX + userId).equals(cookie.getName())) {
                var parts = VALUE.matcher(cookie.getValue());
                if (parts.matches() && MessageDigest.isEqual(sign(userId, parts.group(1), passwordHash).getBytes(StandardCharsets.US_ASCII),
                        parts.group(2).getBytes(StandardCharsets.US_ASCII))) {
                    return Optional.of(parts.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /** A {@code Set-Cookie} value with a new device cookie for the user, valid while their password hash is {@code passwordHash}. */
    public String issue(String userId, String passwordHash, boolean secure) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String nonce = BASE64.encodeToString(bytes);
        // Path /api: login and password change read it; SameSite=Strict: other sites never send it.
        return PREFIX + userId + "=" + nonce + "." + sign(userId, nonce, passwordHash) + "; Path=/api; Max-Age=" + MAX_AGE.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private String sign(String userId, String nonce, String passwordHash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return BASE64.encodeToString(mac.doFinal((userId + "." + nonce + "." + passwordHash).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The configured secret, else the one all nodes share in Redis, read at every use: a Redis that
     * came back without it (a restart without persistence) gets back the key this node last used,
     * unless another node stored one first, so no two nodes ever sign with different keys.
     */
    private SecretKeySpec key() {
        String secret = settings.deviceCookieSecret().orElseGet(this::sharedSecret);
        Key last = key;
        if (last == null || !last.secret().equals(secret)) {
            last = new Key(secret, new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            key = last;
        }
        return last.spec();
    }

    private String sharedSecret() {
        RBucket<String> stored = redis.getBucket(RedisKeys.DEVICE_COOKIE_KEY, StringCodec.INSTANCE);
        String secret = stored.get();
        if (secret != null) {
            return secret;
        }
        Key last = key;
        String candidate = last != null ? last.secret() : newSecret();
        return stored.setIfAbsent(candidate) ? candidate : Objects.requireNonNullElse(stored.get(), candidate);
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64.encodeToString(bytes);
    }

    /** The secret last used, with its key built once. */
    private record Key(String secret, SecretKeySpec spec) {
    }
}
