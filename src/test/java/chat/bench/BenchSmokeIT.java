package chat.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the benchmark harness working: a few seconds of the broadcast workload and a storm of 20
 * handshakes through a real Redis and Payara Micro node, and the report files. It checks what arrived (nothing lost,
 * duplicated or reordered), never how fast: speed is for {@code mvn -Pbench verify}. Opt-in
 * ({@code mvn verify -Dbench.smoke=true}): with four runtimes in the suite, the default run has
 * to stay within CI's 20 minutes on 2 cores.
 */
@EnabledIfSystemProperty(named = "bench.smoke", matches = "true")
class BenchSmokeIT {

    @Test
    void aShortBroadcastArrivesExactlyOnceAndTheReportsAreWritten() throws Exception {
        Path out = Path.of(System.getProperty("chat.test.workDir", "target/it")).resolve("bench-smoke");
        Bench bench = new Bench(Map.of("bench.scale", "smoke", "bench.workloads", "smoke,storm", "bench.out", out.toString(),
                "bench.serverJvm", "test"));
        List<StepResult> results;
        try {
            results = bench.run();
        } finally {
            bench.stop();
        }
        assertFalse(results.isEmpty());
        StepResult storm = results.stream().filter(r -> r.workload().equals("storm")).findFirst().orElseThrow();
        assertEquals(20, storm.connections(), "every handshake of the small storm ends with an open socket: " + storm.note());
        assertTrue(storm.note().contains("other failures none"), storm.note());
        for (StepResult r : results.stream().filter(r -> !r.workload().equals("storm")).toList()) {
            assertEquals(0, r.lost(), r.name() + " lost messages");
            assertEquals(0, r.duplicated(), r.name() + " duplicated messages");
            assertEquals(0, r.reordered(), r.name() + " reordered messages");
            assertEquals(0, r.misrouted(), r.name() + " misrouted messages");
            assertTrue(r.deliveredPerS() > 0, r.name() + " delivered nothing");
        }
        assertTrue(Files.size(out.resolve("results.json")) > 0);
        assertTrue(Files.readString(out.resolve("results.md")).contains("| smoke@"));
        assertTrue(Files.exists(out.resolve("latency-vs-rate.png")));
    }
}
