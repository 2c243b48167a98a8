package chat.users.control;

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
