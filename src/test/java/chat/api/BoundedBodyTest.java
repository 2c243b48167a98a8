package chat.api;

import chat.testing.Await;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Who asks for the async dispatch of a request whose body came after its headers, and when.
 * Payara 6.2025.10 can lose a dispatch that another thread asks for while the container leaves the
 * request's first dispatch: a body that arrived while the filter ran is dispatched by the filter's
 * own thread as it returns, one that arrives just after the return a moment later (on the timer),
 * and a later one at once, where it arrived.
 */
class BoundedBodyTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "body-timers"));
    private final List<String> dispatchedOn = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aBodyThatArrivesWhileTheFirstDispatchIsStillInTheFilterIsDispatchedByTheFirstThread() throws Exception {
        BoundedBody.Reading reading = new BoundedBody.Reading(async(), null, 1024, 10, timers, Duration.ofMillis(50));
        Thread container = new Thread(reading::onAllDataRead, "container-read-thread");
        container.start();
        container.join();
        assertEquals(List.of(), dispatchedOn, "not from the container's read thread while the first dispatch runs");

        reading.firstDispatchEnds();
        assertEquals(List.of(Thread.currentThread().getName()), dispatchedOn);
    }

    @Test
    void aBodyThatArrivesRightAfterTheFilterReturnedIsDispatchedOnceTheContainerHadTimeToLeave() {
        BoundedBody.Reading reading = new BoundedBody.Reading(async(), null, 1024, 10, timers, Duration.ofMillis(50));
        reading.firstDispatchEnds();
        reading.onAllDataRead();
        assertEquals(List.of(), dispatchedOn, "not at once");

        Await.until("the dispatch", Duration.ofSeconds(10), () -> !dispatchedOn.isEmpty());
        assertEquals(List.of("body-timers"), dispatchedOn);
        assertEquals(true, reading.dispatchStarted(), "the dispatch begins");
    }

    @Test
    void aBodyThatArrivesLaterIsDispatchedWhereItArrived() throws Exception {
        BoundedBody.Reading reading = new BoundedBody.Reading(async(), null, 1024, 10, timers, Duration.ZERO);
        reading.firstDispatchEnds();
        assertEquals(List.of(), dispatchedOn);

        Thread container = new Thread(reading::onAllDataRead, "container-read-thread");
        container.start();
        container.join();
        assertEquals(List.of("container-read-thread"), dispatchedOn);
        assertEquals(true, reading.dispatchStarted(), "the dispatch begins");
    }

    /** An async context that records which thread asks for the dispatch. */
    private AsyncContext async() {
        ServletRequest request = (ServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ServletRequest.class}, (proxy, method, args) -> null);
        return (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{AsyncContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRequest" -> request;
                    case "dispatch" -> dispatchedOn.add(Thread.currentThread().getName());
                    default -> null;
                });
    }
}
