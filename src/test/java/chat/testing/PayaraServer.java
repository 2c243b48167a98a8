package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Payara Server (the unpacked {@code fish.payara.distributions:payara} zip named by
 * {@code chat.test.payaraServerHome}) running the project's WAR, unchanged, the way an operator
 * deploys it: {@code asadmin start-domain}, then {@code asadmin deploy --contextroot /}. Each
 * server runs a fresh copy of the distribution's {@code domain1} with all its ports moved by one
 * free offset, so the unpacked distribution is never modified and servers never collide.
 */
public final class PayaraServer extends ServerNode {

    /** domain1's ports: HTTP, HTTPS, admin, IIOP (3), JMX, JMS, OSGi shell, Hazelcast (member, DAS). */
    private static final int[] DOMAIN1_PORTS = {8080, 8181, 4848, 3700, 3820, 3920, 8686, 7676, 6666, 5900, 4900};

    private final Path domainDir;
    private ProcessHandle jvm;

    private PayaraServer(String serverId, Path domainDir, int port, Path log) {
        super("Payara Server", serverId, port, log);
        this.domainDir = domainDir;
    }

    /** Starts the domain, deploys the WAR and waits until the node is ready. */
    public static PayaraServer start(String serverId, String redisUrl) {
        Path home = ServerProcesses.home("chat.test.payaraServerHome", "Payara Server");
        Path domainDir = WorkDirs.fresh("payara-server-" + serverId + "-");
        ServerProcesses.copyTree(home.resolve("glassfish/domains/domain1"), domainDir.resolve("domain1"));
        int offset = ServerProcesses.freeOffset(DOMAIN1_PORTS, "Payara Server");
        moveAndTrim(domainDir.resolve("domain1/config/domain.xml"), offset);
        // the log is asadmin's output; the server's own is domain1/logs/server.log next to it
        PayaraServer server = new PayaraServer(serverId, domainDir, 8080 + offset, domainDir.resolve("asadmin.log"));
        // The server's JVM inherits asadmin's environment: the chat reads its settings from there.
        Map<String, String> env = new HashMap<>(ServerProcesses.chatEnvironment(serverId, redisUrl, Map.of()));
        env.put("AS_JAVA", System.getProperty("java.home"));
        String asadmin = home.resolve("bin/asadmin").toString();
        ServerProcesses.run(List.of(asadmin, "start-domain", "--domaindir", domainDir.toString(), "domain1"), env, server.log(),
                ServerProcesses.START_TIMEOUT);
        server.jvm = server.readPid();
        Runtime.getRuntime().addShutdownHook(new Thread(server.jvm::destroyForcibly)); // never outlive the run
        try {
            ServerProcesses.run(List.of(asadmin, "--interactive=false", "--port", String.valueOf(4848 + offset),
                    "deploy", "--contextroot", "/", "--name", "redis-chat", PayaraNode.war().toAbsolutePath().toString()),
                    env, server.log(), ServerProcesses.START_TIMEOUT);
        } catch (RuntimeException | AssertionError failed) {
            server.close(); // the domain runs on without the application otherwise
            throw failed;
        }
        server.awaitReadyOrStop(server.jvm::isAlive);
        return server;
    }

    @Override
    public ProcessHandle jvm() {
        return jvm;
    }

    @Override
    List<ProcessHandle> processes() {
        return jvm != null && jvm.isAlive() ? List.of(jvm) : List.of();
    }

    private ProcessHandle readPid() {
        try {
            long pid = Long.parseLong(Files.readString(domainDir.resolve("domain1/config/pid")).trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("Payara Server " + pid + " is gone; see " + log()));
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
                            PayaraNode.TEST_JVM.stream().map(o -> "<jvm-options>" + o + "</jvm-options>").collect(Collectors.joining()));
            Files.writeString(domainXml, xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
