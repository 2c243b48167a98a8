package chat.users.control;

import chat.api.ChatError;
import chat.config.Settings;
import chat.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashingTest {

    /**
     * Found from outside: a client running 100 correct logins at once with accounts of its own, behind an office's one
     * address, kept the office's own browsers waiting past the 5 s limit (8 logins of 11 refused).
     */
    @Test
    void aBrowserTheUserSignedInWithBeforeDoesNotQueueBehindItsAddress() throws InterruptedException {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        BusyNode node = new BusyNode("1", "10.0.0.1", () -> order.add("first of the address"));
        for (int i = 2; i <= 4; i++) {
            node.waiting("a login of the flood", String.valueOf(i), "10.0.0.1", Optional.empty(), () -> order.add("the address's flood"));
        }
        node.waiting("the user's own login", "9", "10.0.0.1", Optional.of("d-1"), () -> order.add("the user's own browser"));
        node.finish();
        assertEquals(List.of("first of the address", "the user's own browser", "the address's flood", "the address's flood",
                "the address's flood"), order);
    }

    /**
     * Found from outside: 100 logins from one address, each waiting for its turn, held every request that address
     * may have under way at once (and a request thread each): everyone behind that address got 429 for everything.
     * A full line now refuses at once, and a login that was refused leaves no place taken.
     */
    @Test
    void aFullLineRefusesAtOnceInsteadOfHoldingAThreadAndTheUsersOwnBrowserStillTakesItsTurn() throws InterruptedException {
        BusyNode node = new BusyNode("1", "10.0.0.1", () -> true);
        for (int i = 2; i <= PasswordHashing.IN_LINE_PER_TURN; i++) { // accounts of the flood's own, one address
            node.waiting("a login of the flood", String.valueOf(i), "10.0.0.1", Optional.empty(), () -> true);
        }

        ChatError refused = assertThrows(ChatError.class, () -> node.hashing.run("20", "10.0.0.1", Optional.empty(), () -> true));
        assertEquals(429, refused.status());
        assertEquals(1, refused.retryAfterSeconds());
        assertEquals(PasswordHashing.FULL_LINE, refused.getMessage());
        CountDownLatch ownChecked = new CountDownLatch(1);
        node.waiting("the user's own login", "9", "10.0.0.1", Optional.of("d-1"), () -> {
            ownChecked.countDown();
            return true;
        });

        node.finish();
        assertEquals(0, ownChecked.getCount(), "the user's own browser checked");
        assertTrue(node.hashing.run("21", "10.0.0.1", Optional.empty(), () -> true), "the line takes logins again once it has room");
    }

    /**
     * Found when the line above was re-attacked: 100 accounts of the flood's own, each signing in with its own device
     * cookie (each a client of its own), held the address's requests as before. An address has at most
     * {@link PasswordHashing#AT_ONCE_PER_ADDRESS} checks under way, its browsers' included; other addresses are not held up.
     */
    @Test
    void anAddressHasAFewChecksUnderWayWhateverDeviceCookiesItsBrowsersSend() throws InterruptedException {
        BusyNode node = new BusyNode("1", "10.0.0.1", () -> true);
        for (int i = 2; i <= PasswordHashing.AT_ONCE_PER_ADDRESS; i++) {
            node.waiting("a login of the flood with its own device cookie", String.valueOf(i), "10.0.0.1", Optional.of("d-" + i), () -> true);
        }
        ChatError refused = assertThrows(ChatError.class,
                () -> node.hashing.run("99", "10.0.0.1", Optional.of("d-99"), () -> true));
        assertEquals(429, refused.status());
        assertEquals(PasswordHashing.FULL_LINE, refused.getMessage());
        node.waiting("a login from another address", "50", "10.0.0.2", Optional.empty(), () -> true);
        node.finish();
    }

    /** One account's line is bounded too: correct logins of one's own account from many browsers at once. */
    @Test
    void oneUsersLineIsBoundedToo() throws InterruptedException {
        BusyNode node = new BusyNode("1", "10.0.0.1", () -> true);
        for (int i = 2; i <= PasswordHashing.IN_ONE_USERS_LINE; i++) { // many browsers of one's own (device cookies)
            node.waiting("a login of the same account", "1", "10.0.1." + i, Optional.empty(), () -> true);
        }
        ChatError refused = assertThrows(ChatError.class, () -> node.hashing.run("1", "10.0.2.1", Optional.empty(), () -> true));
        assertEquals(429, refused.status());
        assertEquals(PasswordHashing.FULL_USERS_LINE, refused.getMessage());
        node.finish();
    }

    /** A node hashing one check at a time, whose only turn a first check holds until {@link #finish}. */
    private static final class BusyNode {

        final PasswordHashing hashing = new PasswordHashing();
        private final CountDownLatch release = new CountDownLatch(1);
        private final List<Thread> threads = new ArrayList<>();

        BusyNode(String userId, String address, Supplier<Boolean> first) throws InterruptedException {
            hashing.settings = Settings.of(Map.of("CHAT_BCRYPT_CONCURRENCY", "1"));
            hashing.size();
            CountDownLatch holding = new CountDownLatch(1);
            threads.add(started(() -> hashing.run(userId, address, Optional.empty(), () -> {
                holding.countDown();
                awaitQuietly(release);
                return first.get();
            })));
            holding.await();
        }

        /** Starts a check and returns once it waits for its turn. */
        void waiting(String what, String userId, String address, Optional<String> device, Supplier<Boolean> work) {
            Thread thread = started(() -> hashing.run(userId, address, device, work));
            threads.add(thread);
            Await.until(what + " waiting", Duration.ofSeconds(5), () -> thread.getState() == Thread.State.TIMED_WAITING);
        }

        /** Lets the first check end; returns once every check has run. */
        void finish() throws InterruptedException {
            release.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private static Thread started(Runnable work) {
            Thread thread = new Thread(work);
            thread.start();
            return thread;
        }

        private static void awaitQuietly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
