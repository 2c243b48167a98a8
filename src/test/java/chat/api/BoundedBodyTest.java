package chat.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Who asks for the async dispatch of a request whose body came after its headers. Payara keeps
 * the "dispatch pending" mark in a thread-local of the asking thread and looks for it on the
 * request's first thread when that one leaves, so a dispatch asked for from another thread while
 * the first is still in the filter is lost: the first thread must ask for it then.
 */
class BoundedBodyTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<String> dispatchedOn = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aBodyThatArrivesWhileTheFirstDispatchIsStillInTheFilterIsDispatchedByTheFirstThread() throws Exception {
        BoundedBody.Reading reading = new BoundedBody.Reading(async(), null, 1024, 10, timers);
        Thread container = new Thread(reading::onAllDataRead, "container-read-thread");
        container.start();
        container.join();
        assertEquals(List.of(), dispatchedOn, "not from the container's read thread while the first dispatch runs");

        reading.firstDispatchEnds();
        assertEquals(List.of(Thread.currentThread().getName()), dispatchedOn);
    }

    @Test
    void aBodyThatArrivesLaterIsDispatchedWhereItArrived() throws Exception {
        BoundedBody.Reading reading = new BoundedBody.Reading(async(), null, 1024, 10, timers);
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
