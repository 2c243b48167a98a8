package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Payara Server (the unpacked {@code fish.payara.distributions:payara} zip named by
 * {@code chat.test.payaraServerHome}) running the project's WAR, unchanged, the way an operator
 * deploys it: {@code asadmin start-domain}, then {@code asadmin deploy --contextroot /}. Each
 * server runs a fresh copy of the distribution's {@code domain1} with all its ports moved by one
 * free offset, so the unpacked distribution is never modified and servers never collide.
 */
public final class PayaraServer implements ChatNode {

    /** domain1's ports: HTTP, HTTPS, admin, IIOP (3), JMX, JMS, OSGi shell, Hazelcast (member, DAS). */
    private static final int[] DOMAIN1_PORTS = {8080, 8181, 4848, 3700, 3820, 3920, 8686, 7676, 6666, 5900, 4900};

    private final String serverId;
    private final Path domainDir;
    private final int port;
    private final Path log;
    private ProcessHandle jvm;

    private PayaraServer(String serverId, Path domainDir, int port, Path log) {
        this.serverId = serverId;
        this.domainDir = domainDir;
        this.port = port;
        this.log = log;
    }

    /** Starts the domain, deploys the WAR and waits until the node is ready. */
    public static PayaraServer start(String serverId, String redisUrl) {
        Path home = ServerProcesses.home("chat.test.payaraServerHome", "Payara Server");
        Path domainDir = WorkDirs.fresh("payara-server-" + serverId + "-");
        ServerProcesses.copyTree(home.resolve("glassfish/domains/domain1"), domainDir.resolve("domain1"));
        int offset = freeOffset();
        moveAndTrim(domainDir.resolve("domain1/config/domain.xml"), offset);
        PayaraServer server = new PayaraServer(serverId, domainDir, 8080 + offset, domainDir.resolve("asadmin.log"));
        // The server's JVM inherits asadmin's environment: the chat reads its settings from there.
        Map<String, String> env = new HashMap<>(ServerProcesses.chatEnvironment(serverId, redisUrl, Map.of()));
        env.put("AS_JAVA", System.getProperty("java.home"));
        String asadmin = home.resolve("bin/asadmin").toString();
        ServerProcesses.run(List.of(asadmin, "start-domain", "--domaindir", domainDir.toString(), "domain1"), env, server.log,
                ServerProcesses.START_TIMEOUT);
        server.jvm = server.readPid();
        Runtime.getRuntime().addShutdownHook(new Thread(server.jvm::destroyForcibly)); // never outlive the run
        try {
            ServerProcesses.run(List.of(asadmin, "--interactive=false", "--port", String.valueOf(4848 + offset),
                    "deploy", "--contextroot", "/", "--name", "redis-chat", PayaraNode.war().toAbsolutePath().toString()),
                    env, server.log, ServerProcesses.START_TIMEOUT);
            ServerProcesses.awaitReady(server, ServerProcesses.START_TIMEOUT, server.jvm::isAlive);
        } catch (RuntimeException | AssertionError failed) {
            server.close(); // the domain runs on without the application otherwise
            throw failed;
        }
        return server;
    }

    @Override
    public String serverId() {
        return serverId;
    }

    @Override
    public String runtime() {
        return "Payara Server";
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** asadmin's output; the server's own log is {@code domain1/logs/server.log} next to it. */
    @Override
    public Path log() {
        return log;
    }

    @Override
    public ProcessHandle jvm() {
        return jvm;
    }

    @Override
    public void kill() {
        ServerProcesses.kill(jvm);
    }

    @Override
    public void close() {
        if (jvm != null && jvm.isAlive()) {
            ServerProcesses.stop(jvm);
        }
    }

    private ProcessHandle readPid() {
        try {
            long pid = Long.parseLong(Files.readString(domainDir.resolve("domain1/config/pid")).trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("Payara Server " + pid + " is gone; see " + log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves domain1's listeners by the offset, and starts the JVM like the other test nodes (C1 only, serial GC). */
    private static void moveAndTrim(Path domainXml, int offset) {
        try {
            String xml = Files.readString(domainXml);
            for (int p : DOMAIN1_PORTS) {
                xml = xml.replace("port=\"" + p + "\"", "port=\"" + (p + offset) + "\"")
                        .replace("value=\"" + p + "\"", "value=\"" + (p + offset) + "\"")
                        .replace("telnet.port=" + p + "<", "telnet.port=" + (p + offset) + "<");
            }
            xml = xml.replace("start-port=\"5900\" das-port=\"4900\"", "start-port=\"" + (5900 + offset) + "\" das-port=\"" + (4900 + offset) + "\"")
                    .replaceFirst("<jvm-options>-Xmx512m</jvm-options>",
                            "<jvm-options>-Xmx512m</jvm-options><jvm-options>-XX:+UseSerialGC</jvm-options>"
                                    + "<jvm-options>-XX:TieredStopAtLevel=1</jvm-options>");
            Files.writeString(domainXml, xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeOffset() {
        for (int attempt = 0; attempt < 100; attempt++) {
            // below the ephemeral range (32768 up), where Ports.free() and outgoing connections take theirs
            int offset = ThreadLocalRandom.current().nextInt(1000, 20000);
            if (ServerProcesses.allFree(Arrays.stream(DOMAIN1_PORTS).map(p -> p + offset).toArray())) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for Payara Server");
    }
}
