package chat.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    private static String problemWith(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> Settings.of(values)).getMessage();
    }

    @Test
    void everyDefaultIsValid() {
        Settings defaults = Settings.of(Map.of());
        assertEquals("redis://127.0.0.1:6379", defaults.redisUrl());
        assertEquals(5000, defaults.maxMessageLength());
        assertEquals(5.0, defaults.messagesPerSecond());
        assertEquals(Duration.ofDays(7), defaults.sessionIdleTimeout());
        assertTrue(defaults.seedDemoData() && defaults.rawSocketFrames());
        assertTrue(defaults.bcryptConcurrency() >= 1 && defaults.socketFlushThreads() >= 1);
        assertTrue(defaults.serverId().matches("\\S+-[0-9a-f]{8}"), defaults.serverId());
    }

    @Test
    void socketWritersAreALanePerCoreOrFewerThreadsForPasses() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(2, cores), Settings.of(Map.of()).socketFlushThreads());
        assertEquals(Math.max(1, cores / 2), Settings.of(Map.of("CHAT_WS_FLUSH_INTERVAL_MS", "10")).socketFlushThreads());
        assertEquals(1, Settings.of(Map.of("CHAT_WS_FLUSH_THREADS", "1")).socketFlushThreads());
    }

    @Test
    void aNodeHoldsSocketsUpToItsOpenFileLimitLessTheReserve() throws IOException {
        long limit = Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                .map(l -> Long.parseLong(l.substring("Max open files".length()).trim().split("\\s+")[0])).findFirst().orElseThrow();
        long heapAllows = (Runtime.getRuntime().maxMemory() - 128L * 1024 * 1024) / (48 * 1024);
        assertEquals(Math.min(limit - Math.max(1000, limit / 10), heapAllows), Settings.of(Map.of()).maxSockets(),
                "open-file limit " + limit + ", heap " + Runtime.getRuntime().maxMemory());
        assertEquals(50, Settings.of(Map.of("CHAT_MAX_SOCKETS", "50")).maxSockets());
        assertTrue(problemWith(Map.of("CHAT_MAX_SOCKETS", "0")).contains("CHAT_MAX_SOCKETS"));
    }

    @Test
    void aNodeHoldsNoMoreSocketsThanItsHeapHasRoomFor() {
        assertEquals(2730, Settings.socketsTheHeapAllows(256L * 1024 * 1024), "256 MiB: 128 MiB for the rest, 48 KiB a socket");
        assertEquals(19114, Settings.socketsTheHeapAllows(1024L * 1024 * 1024), "1 GiB: more than the 18,000 of the benchmark's storm");
        assertEquals(100, Settings.socketsTheHeapAllows(64L * 1024 * 1024), "a heap too small for the rest still takes a few");
        assertEquals(Integer.MAX_VALUE, Settings.socketsTheHeapAllows(Long.MAX_VALUE), "a heap without a limit bounds nothing");
    }

    @Test
    void readsExactlyTheNamesOfTheSettingEnum() {
        List<String> asked = new ArrayList<>();
        Settings.read(name -> {
            asked.add(name);
            return Optional.empty();
        });
        assertEquals(Arrays.stream(Setting.values()).map(Setting::name).sorted().toList(),
                asked.stream().distinct().sorted().toList());
    }

    @Test
    void durationsAreIsoOrSeconds() {
        assertEquals(Duration.ofSeconds(90), Settings.of(Map.of("CHAT_SESSION_IDLE_TIMEOUT", "90")).sessionIdleTimeout());
        assertEquals(Duration.ofMinutes(30), Settings.of(Map.of("CHAT_SESSION_IDLE_TIMEOUT", " PT30M ")).sessionIdleTimeout());
        assertEquals(Duration.ofDays(3650), Settings.of(Map.of("CHAT_SESSION_LIFETIME", "P3650D")).sessionLifetime());
        // Found from outside: P200000000000D passed, then overflowed in every login (500 for everyone).
        for (String setting : List.of("CHAT_LOGIN_FAILURE_WINDOW", "CHAT_SESSION_LIFETIME", "CHAT_PING_INTERVAL")) {
            assertTrue(problemWith(Map.of(setting, "P200000000000D")).contains(setting + " must be a duration of at least"), setting);
            assertTrue(problemWith(Map.of(setting, "P3651D")).contains("at most PT87600H"), setting);
        }
    }

    @Test
    void whatMayWaitForSocketsIsAMebibyteEachAndAnEighthOfTheHeapForTheNode() {
        Settings defaults = Settings.of(Map.of());
        assertEquals(1024 * 1024, defaults.outboundQueueBytes());
        assertEquals(Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 8), defaults.outboundNodeBytes());
        assertEquals(65536, Settings.of(Map.of("CHAT_OUTBOUND_NODE_BYTES", "65536")).outboundNodeBytes());
        assertTrue(problemWith(Map.of("CHAT_OUTBOUND_QUEUE_BYTES", "1 MiB")).contains("CHAT_OUTBOUND_QUEUE_BYTES"));
        assertTrue(problemWith(Map.of("CHAT_OUTBOUND_NODE_BYTES", "100")).contains("CHAT_OUTBOUND_NODE_BYTES must be a whole number of at least 1024"));
    }

    @Test
    void aUserOpensOneSocketASecondBeyondTheSocketLimitAtOnce() {
        assertEquals(1.0, Settings.of(Map.of()).socketOpensPerSecond());
        assertEquals(0.5, Settings.of(Map.of("CHAT_SOCKET_OPENS_PER_SECOND", "0.5")).socketOpensPerSecond());
        assertTrue(problemWith(Map.of("CHAT_SOCKET_OPENS_PER_SECOND", "0")).contains("CHAT_SOCKET_OPENS_PER_SECOND"));
    }

    @Test
    void anEmptyValueMeansUnset() {
        assertEquals(4096, Settings.of(Map.of("CHAT_OUTBOUND_QUEUE_LIMIT", " ")).outboundQueueLimit());
    }

    @Test
    void aBadValueIsRefusedWithTheVariablesName() {
        String problem = problemWith(Map.of("CHAT_MESSAGES_PER_SECOND", "fast"));
        assertTrue(problem.contains("CHAT_MESSAGES_PER_SECOND must be a number greater than 0, not \"fast\""), problem);
        assertTrue(problemWith(Map.of("CHAT_MESSAGES_PER_SECOND", "0")).contains("CHAT_MESSAGES_PER_SECOND"));
        assertTrue(problemWith(Map.of("CHAT_MESSAGES_PER_SECOND", "NaN")).contains("CHAT_MESSAGES_PER_SECOND"));
        assertTrue(problemWith(Map.of("CHAT_MAX_MESSAGE_LENGTH", "0")).contains("CHAT_MAX_MESSAGE_LENGTH must be a whole number from 1"));
        // Longer messages would not fit the 64 KiB a client frame may have (6 bytes a character at worst).
        assertTrue(problemWith(Map.of("CHAT_MAX_MESSAGE_LENGTH", "10001")).contains("CHAT_MAX_MESSAGE_LENGTH must be a whole number from 1 to 10000"));
        assertEquals(10_000, Settings.of(Map.of("CHAT_MAX_MESSAGE_LENGTH", "10000")).maxMessageLength());
        assertTrue(problemWith(Map.of("CHAT_SOCKETS_PER_USER", "1e3")).contains("CHAT_SOCKETS_PER_USER"));
        assertTrue(problemWith(Map.of("CHAT_PRESENCE_LEASE", "PT1S")).contains("CHAT_PRESENCE_LEASE must be a duration of at least PT3S"));
        // Payara ignored a grace over an int of milliseconds: no grace at all instead of a long one.
        String grace = problemWith(Map.of("CHAT_SHUTDOWN_GRACE", "P100D"));
        assertTrue(grace.contains("CHAT_SHUTDOWN_GRACE must be a duration of at least PT0S and at most PT596H31M23.647S"), grace);
        assertTrue(problemWith(Map.of("CHAT_SHUTDOWN_GRACE", "-PT1S")).contains("CHAT_SHUTDOWN_GRACE"));
        assertTrue(problemWith(Map.of("CHAT_DEMO_DATA", "yes")).contains("CHAT_DEMO_DATA must be true or false"));
        assertTrue(problemWith(Map.of("CHAT_ALLOWED_ORIGINS", "https://ok.example, *")).contains("CHAT_ALLOWED_ORIGINS"));
        assertTrue(problemWith(Map.of("CHAT_SERVER_ID", "node one")).contains("CHAT_SERVER_ID"));
        assertTrue(problemWith(Map.of("REDISSON_CONFIG", "/no/such/redisson.yaml")).contains("REDISSON_CONFIG must be a readable file"));
    }

    @Test
    void redisIsFoundByUrlOrBySeedEndpoint() {
        assertEquals("redis://cache:6380", Settings.of(Map.of("REDIS_ENDPOINT_URL", "cache:6380")).redisUrl());
        assertEquals(Optional.of("pw"), Settings.of(Map.of("REDIS_ENDPOINT_URL", "cache:6380", "REDIS_PASSWORD", "pw")).redisPassword());
        Settings url = Settings.of(Map.of("REDIS_URL", "rediss://:p%40ss@cache/2", "REDIS_ENDPOINT_URL", "other:1", "REDIS_PASSWORD", "pw"));
        assertEquals("rediss://:p%40ss@cache/2", url.redisUrl());
        assertEquals(Optional.empty(), url.redisPassword(), "a REDIS_URL carries its own password");
        assertTrue(problemWith(Map.of("REDIS_URL", "http://cache.local")).contains("REDIS_URL must be"));
        assertTrue(problemWith(Map.of("REDIS_URL", "redis://cache.local/zero")).contains("REDIS_URL must be"));
        assertTrue(problemWith(Map.of("REDIS_ENDPOINT_URL", "cache 6379")).contains("REDIS_ENDPOINT_URL must be host:port"));
    }

    @Test
    void socketsMustOutliveTheirPingInterval() {
        String problem = problemWith(Map.of("CHAT_PING_INTERVAL", "PT30S", "CHAT_SOCKET_IDLE_TIMEOUT", "PT30S"));
        assertTrue(problem.contains("CHAT_SOCKET_IDLE_TIMEOUT must be longer than CHAT_PING_INTERVAL"), problem);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String problem = problemWith(Map.of("CHAT_API_BURST", "-1", "CHAT_WS_FLUSH_INTERVAL_MS", "soon"));
        assertTrue(problem.contains("CHAT_API_BURST") && problem.contains("CHAT_WS_FLUSH_INTERVAL_MS"), problem);
    }

    /** Found from outside: with CHAT_MAX_MESAGE_LENGTH=10 the node served with the default 5,000, and said nothing. */
    @Test
    void aSettingsNameMisspeltStopsTheStartAndNamesTheOneMeant() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Settings.read(name -> Optional.empty(), List.of("PATH", "CHAT_MAX_MESAGE_LENGTH", "CHAT_PRESENCE_LEAS")));
        assertEquals("Invalid settings: CHAT_MAX_MESAGE_LENGTH is no setting: did you mean CHAT_MAX_MESSAGE_LENGTH?; "
                + "CHAT_PRESENCE_LEAS is no setting: did you mean CHAT_PRESENCE_LEASE?", refused.getMessage());
        assertEquals(Optional.empty(), Setting.misspeltAs("CHAT_HOME"), "the Docker entrypoint's own variable");
        assertEquals(Optional.empty(), Setting.misspeltAs("CHAT_MAX_MESSAGE_LENGTH"), "a setting");
        assertEquals(Optional.empty(), Setting.misspeltAs("CHAT_IMAGE_TAG"), "another tool's name, far from every setting");
        Settings.read(name -> Optional.empty(), List.of("CHAT_HOME", "CHAT_SERVER_ID", "HOME")); // starts
    }
}
