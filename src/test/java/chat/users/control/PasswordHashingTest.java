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
        PasswordHashing hashing = new PasswordHashing();
        hashing.settings = Settings.of(Map.of("CHAT_BCRYPT_CONCURRENCY", "1"));
        hashing.size();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        threads.add(started(() -> hashing.run("1", "10.0.0.1", () -> {
            holding.countDown();
            awaitQuietly(release);
            return order.add("first of the address");
        })));
        holding.await();
        for (int i = 2; i <= 4; i++) {
            String user = String.valueOf(i);
            Thread flood = started(() -> hashing.run(user, "10.0.0.1", () -> order.add("the address's flood")));
            threads.add(flood);
            Await.until("a login of the flood waiting", Duration.ofSeconds(5), () -> flood.getState() == Thread.State.TIMED_WAITING);
        }
        Thread own = started(() -> hashing.run("9", PasswordHashing.client(Optional.of("d-1"), "10.0.0.1"),
                () -> order.add("the user's own browser")));
        threads.add(own);
        Await.until("the user's own login waiting", Duration.ofSeconds(5), () -> own.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
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
        PasswordHashing hashing = new PasswordHashing();
        hashing.settings = Settings.of(Map.of("CHAT_BCRYPT_CONCURRENCY", "1"));
        hashing.size();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        threads.add(started(() -> hashing.run("1", "10.0.0.1", () -> {
            holding.countDown();
            awaitQuietly(release);
            return true;
        })));
        holding.await();
        for (int i = 2; i <= PasswordHashing.IN_LINE_PER_TURN; i++) { // accounts of the flood's own, one address
            String user = String.valueOf(i);
            Thread flood = started(() -> hashing.run(user, "10.0.0.1", () -> true));
            threads.add(flood);
            Await.until("a login of the flood waiting", Duration.ofSeconds(5), () -> flood.getState() == Thread.State.TIMED_WAITING);
        }

        ChatError refused = assertThrows(ChatError.class, () -> hashing.run("20", "10.0.0.1", () -> true));
        assertEquals(429, refused.status());
        assertEquals(1, refused.retryAfterSeconds());
        assertEquals(PasswordHashing.FULL_LINE, refused.getMessage());
        CountDownLatch ownChecked = new CountDownLatch(1);
        Thread own = started(() -> hashing.run("9", PasswordHashing.client(Optional.of("d-1"), "10.0.0.1"), () -> {
            ownChecked.countDown();
            return true;
        }));
        threads.add(own);
        Await.until("the user's own login waiting for the node", Duration.ofSeconds(5), () -> own.getState() == Thread.State.TIMED_WAITING);

        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, ownChecked.getCount(), "the user's own browser checked");
        assertTrue(hashing.run("21", "10.0.0.1", () -> true), "the line takes logins again once it has room");
    }

    /** One account's line is bounded too: correct logins of one's own account from many browsers at once. */
    @Test
    void oneUsersLineIsBoundedToo() throws InterruptedException {
        PasswordHashing hashing = new PasswordHashing();
        hashing.settings = Settings.of(Map.of("CHAT_BCRYPT_CONCURRENCY", "1"));
        hashing.size();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        threads.add(started(() -> hashing.run("1", "10.0.0.1", () -> {
            holding.countDown();
            awaitQuietly(release);
            return true;
        })));
        holding.await();
        for (int i = 2; i <= PasswordHashing.IN_ONE_USERS_LINE; i++) { // many browsers of one's own (device cookies)
            String address = "10.0.1." + i;
            Thread same = started(() -> hashing.run("1", address, () -> true));
            threads.add(same);
            Await.until("a login of the same account waiting", Duration.ofSeconds(5), () -> same.getState() == Thread.State.TIMED_WAITING);
        }
        ChatError refused = assertThrows(ChatError.class, () -> hashing.run("1", "10.0.2.1", () -> true));
        assertEquals(429, refused.status());
        assertEquals(PasswordHashing.FULL_USERS_LINE, refused.getMessage());
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
