package chat.operations;

import chat.config.Setting;
import chat.testing.Executables;
import chat.testing.PayaraNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployment files agree with each other and with the code: every setting they pass is one
 * the code reads (the {@link Setting} enum), the README documents every setting with its default, nginx points at the ports the nodes listen on, node ids are unique, Redis
 * persists. No Docker engine needed.
 */
class DeploymentFilesTest {

    static final Path COMPOSE = Path.of("docker/compose.yaml");
    static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    static final Path DOCKER_NGINX = Path.of("docker/nginx.conf");
    static final Path ENTRYPOINT = Path.of("docker/start-node.sh");
    static final Path LAUNCH = Path.of("payara/launch-nodes.sh");
    static final Path PAYARA_NGINX = Path.of("payara/nginx.conf");
    static final Path HOT_PATHS = Path.of("payara/hot-paths.compile");

    /** Every setting name the code reads: the {@link Setting} enum. */
    static Set<String> settingsReadByTheCode() {
        Set<String> names = new TreeSet<>();
        for (Setting setting : Setting.values()) {
            names.add(setting.name());
        }
        return names;
    }

    /** The compose file as docker compose sees it: SnakeYAML resolves the {@code <<} merge keys, Jackson does not. */
    static JsonNode compose() throws IOException {
        Object yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(COMPOSE));
        return new ObjectMapper().valueToTree(yaml);
    }

    static List<String> chatServices(JsonNode compose) {
        List<String> names = new ArrayList<>();
        compose.get("services").fieldNames().forEachRemaining(name -> {
            if (name.startsWith("chat-")) {
                names.add(name);
            }
        });
        return names;
    }

    @Test
    void readmeDocumentsEverySettingWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
        Map<String, String> documented = new java.util.HashMap<>();
        for (String row : table.split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length < 4 || !cells[1].contains("`")) {
                continue;
            }
            List<String> names = all(cells[1], "`([A-Z][A-Z0-9_]+)`");
            String[] defaults = cells[2].split(",");
            for (int i = 0; i < names.size(); i++) {
                List<String> literal = defaults.length == names.size() ? all(defaults[i], "`([^`]+)`") : List.of();
                documented.put(names.get(i), literal.isEmpty() ? null : literal.get(0));
            }
        }
        assertEquals(settingsReadByTheCode(), new TreeSet<>(documented.keySet()), "the README's configuration table");
        for (Setting setting : Setting.values()) {
            if (setting.defaultValue() != null) {
                assertEquals(setting.defaultValue(), documented.get(setting.name()), "README's default of " + setting);
            }
        }
    }

    @Test
    void composeHasRedisWithPersistenceTwoChatNodesAndNginx() throws IOException {
        JsonNode services = compose().get("services");
        assertTrue(services.has("redis") && services.has("nginx"));
        assertEquals(List.of("chat-1", "chat-2"), chatServices(compose()));
        String redisCommand = services.get("redis").get("command").toString();
        assertTrue(redisCommand.contains("--appendonly") && redisCommand.contains("yes"), redisCommand);
        assertTrue(services.get("redis").get("volumes").toString().contains(":/data"), "Redis data on a volume");
    }

    @Test
    void composePassesOnlySettingsTheCodeReadsAndGivesEachNodeItsOwnId() throws IOException {
        Set<String> known = settingsReadByTheCode();
        Set<String> ids = new HashSet<>();
        JsonNode compose = compose();
        for (String service : chatServices(compose)) {
            JsonNode env = compose.get("services").get(service).get("environment");
            for (Iterator<String> it = env.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                assertTrue(known.contains(name), service + " sets " + name + ", which the code does not read");
            }
            assertTrue(env.has("REDIS_URL"), service);
            assertTrue(env.get("REDIS_URL").asText().startsWith("redis://redis:"), "points at the compose Redis");
            assertTrue(ids.add(env.get("CHAT_SERVER_ID").asText()), "unique CHAT_SERVER_ID");
        }
    }

    @Test
    void dockerNginxBalancesEveryComposeNodeOnThePortTheImageServes() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        String port = match(dockerfile, "EXPOSE (\\d+)");
        String entrypoint = Files.readString(ENTRYPOINT);
        assertEquals(port, match(entrypoint, "port=\"\\$\\{PORT:-(\\d+)}\""), "Payara Micro listens on the exposed port");
        assertTrue(entrypoint.contains("--port \"$port\""));
        assertTrue(dockerfile.contains("127.0.0.1:${PORT:-" + port + "}/health/ready"),
                "HEALTHCHECK probes the node's own readiness on the port it serves (PORT, as the entrypoint reads it)");

        String nginx = Files.readString(DOCKER_NGINX);
        Set<String> upstreams = new TreeSet<>(all(nginx, "server\\s+([\\w.-]+:\\d+)"));
        Set<String> expected = new TreeSet<>();
        chatServices(compose()).forEach(s -> expected.add(s + ":" + port));
        assertEquals(expected, upstreams);

        String listen = match(nginx, "listen\\s+(\\d+)");
        String published = compose().get("services").get("nginx").get("ports").get(0).asText();
        assertTrue(published.endsWith(":" + listen), "compose publishes nginx's listen port: " + published);
        assertTrue(compose().get("services").get("nginx").get("volumes").toString().contains("./nginx.conf:"));
    }

    @Test
    void dockerImageRunsAsAnUnprivilegedUserWithAHealthCheck() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertTrue(Pattern.compile("(?m)^FROM .+ AS build$").matcher(dockerfile).find(), "multi-stage: a build stage");
        assertTrue(Pattern.compile("(?m)^COPY --from=build").matcher(dockerfile).find());
        String user = match(dockerfile, "(?m)^USER (\\S+)$");
        assertFalse(user.equals("root") || user.equals("0"));
        assertTrue(dockerfile.contains("HEALTHCHECK"));
        assertTrue(Pattern.compile("(?m)^COPY .* docker/start-node\\.sh /opt/chat/$").matcher(dockerfile).find(), "the entrypoint script in the image");
        assertTrue(Pattern.compile("(?m)^COPY .* payara/hot-paths\\.compile .*/opt/chat/$").matcher(dockerfile).find(), "the JIT's hot paths in the image");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"sh\", \"/opt/chat/start-node.sh\"]"));
        String entrypoint = Files.readString(ENTRYPOINT);
        for (String part : List.of("--nocluster", "--contextroot /", "--rootdir", PayaraNode.DATA_GRID_ON_LOOPBACK + " -jar",
                "--prebootcommandfile \"$home/listener-closed.asadmin\"", "--postdeploycommandfile \"$home/listener-open.asadmin\"",
                "--postbootcommandfile \"$home/post-boot.asadmin\"", "-XX:CompileCommandFile=\"$home/hot-paths.compile\"")) {
            assertTrue(entrypoint.contains(part), "the image's node starts with " + part + " (docs/SECURITY.md, payara/README.md)");
        }
    }

    @Test
    void launchScriptAndItsNginxAgreeOnPortsAndSettings() throws IOException {
        String script = Files.readString(LAUNCH);
        int basePort = Integer.parseInt(match(script, "BASE_PORT=\"\\$\\{BASE_PORT:-(\\d+)}\""));
        int nodes = Integer.parseInt(match(script, "NODES=\"\\$\\{NODES:-(\\d+)}\""));
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < nodes; i++) {
            expected.add("127.0.0.1:" + (basePort + i));
        }
        String nginx = Files.readString(PAYARA_NGINX);
        assertEquals(expected, new TreeSet<>(all(nginx, "server\\s+([\\d.]+:\\d+)")));

        Set<String> known = settingsReadByTheCode();
        for (String name : all(script, "\\b((?:CHAT|REDIS)_[A-Z_]+)=")) {
            assertTrue(known.contains(name), "the launch script sets " + name + ", which the code does not read");
        }
        assertTrue(script.contains("CHAT_SERVER_ID=\"$id\""), "each node its own id");
        assertTrue(script.contains(PayaraNode.DATA_GRID_ON_LOOPBACK + " -jar"), "Hazelcast on loopback (docs/SECURITY.md)");
        assertTrue(script.contains("java -XX:CompileCommandFile=\"$here/hot-paths.compile\" $JAVA_OPTS"), "the JIT's hot paths, before the user's options");
        assertTrue(Files.isExecutable(LAUNCH));
    }

    /** The launch script trusts nginx on this host by default, and no proxy when the setting is given empty (nodes exposed directly). */
    @Test
    void theLaunchScriptTrustsTheLocalProxyUnlessTheSettingIsGivenEvenEmpty() throws Exception {
        String line = Files.readString(LAUNCH).lines().filter(l -> l.startsWith("export CHAT_TRUSTED_PROXIES=")).findFirst().orElseThrow();
        assertEquals("127.0.0.1", trustedProxiesAfter(line, null));
        assertEquals("", trustedProxiesAfter(line, ""));
        assertEquals("10.0.0.5", trustedProxiesAfter(line, "10.0.0.5"));
    }

    private static String trustedProxiesAfter(String line, String given) throws Exception {
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", line + "; printf %s \"$CHAT_TRUSTED_PROXIES\"");
        bash.environment().remove("CHAT_TRUSTED_PROXIES");
        if (given != null) {
            bash.environment().put("CHAT_TRUSTED_PROXIES", given);
        }
        Process process = bash.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out;
    }

    /**
     * A newcomer copies the docs' commands: each Payara Micro launch in them starts a node as the
     * project's own launches do (port closed until deployed, Hazelcast on loopback, post-boot settings).
     */
    @Test
    void documentedPayaraMicroLaunchesStartNodesAsTheProjectDoes() throws IOException {
        List<String> launches = new ArrayList<>();
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs/OPERATIONS.md"), Path.of("payara/README.md"))) {
            for (String block : all(Files.readString(doc), "(?s)```sh\\n(.*?)```")) {
                if (block.matches("(?s).*-jar \\S*payara-micro.*")) {
                    launches.add(doc + ":\n" + block);
                }
            }
        }
        assertTrue(launches.size() >= 3, "the README's and OPERATIONS' launches found: " + launches);
        for (String launch : launches) {
            for (String part : List.of(PayaraNode.DATA_GRID_ON_LOOPBACK, "--prebootcommandfile payara/listener-closed.asadmin",
                    "--postdeploycommandfile payara/listener-open.asadmin", "--postbootcommandfile payara/post-boot.asadmin",
                    "--nocluster", "--contextroot /", "-XX:CompileCommandFile=payara/hot-paths.compile")) {
                assertTrue(launch.contains(part), "missing " + part + " in " + launch);
            }
        }
    }

    /**
     * The compile commands every launch passes are ones the JVM understands (it only prints a
     * parse error and goes on without them) and lower the thresholds for the message's path.
     */
    @Test
    void hotPathsCompileCommandsParseAndNameTheMessagePath() throws Exception {
        Path loud = Files.createTempFile("hot-paths", ".compile"); // without "quiet": the JVM then lists what it took
        Files.write(loud, Files.readAllLines(HOT_PATHS).stream().filter(line -> !line.strip().equals("quiet")).toList());
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:CompileCommandFile=" + loud, "-version").redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), output);
        Files.delete(loud);
        assertFalse(output.contains("error"), output);
        for (String hot : List.of("chat", "org/glassfish/tyrus", "org/glassfish/grizzly", "org/redisson", "io/netty", "org/eclipse/parsson")) {
            assertTrue(output.contains("CompileThresholdScaling " + hot + "/*.* double CompileThresholdScaling = 0.25"), hot + ": " + output);
        }
        assertTrue(Files.readAllLines(HOT_PATHS).contains("quiet"), "launches do not print the list at every start");
    }

    @Test
    void bothNginxConfigsProxyWebSocketsWithoutStickiness() throws IOException {
        for (Path file : List.of(PAYARA_NGINX, DOCKER_NGINX)) {
            String nginx = Files.readString(file);
            assertTrue(nginx.contains("proxy_http_version 1.1"), file.toString());
            assertTrue(nginx.contains("proxy_set_header Upgrade $upgrade_websocket"), file.toString());
            assertTrue(nginx.contains("~*^websocket$  websocket;"), "only WebSocket upgrades pass: " + file);
            assertTrue(nginx.contains("proxy_set_header Connection $connection_upgrade"), file.toString());
            assertTrue(nginx.contains("proxy_set_header X-Forwarded-Proto $scheme"), file.toString());
            assertTrue(nginx.contains("proxy_set_header Host $http_host"), "Origin check needs host and port: " + file);
            String directives = nginx.replaceAll("(?m)#.*$", "");
            assertTrue(directives.contains("server_tokens off;"), "no nginx version in answers, as the nodes send no Server header: " + file);
            assertFalse(directives.contains("ip_hash") || directives.contains("sticky") || directives.contains("hash "),
                    "no sticky sessions: " + file);
        }
    }

    /**
     * A WebSocket holds two of a worker's connections and two files: the sockets one worker can carry
     * are the most the proxy lets in, the rest are refused with 503 and Retry-After; and a node's own
     * 503 reaches the client instead of taking the node out of the upstream (NginxConfigIT tries both).
     */
    @Test
    void bothNginxConfigsCarryAsManySocketsAsTheyLetInAndPassNodesRefusalsOn() throws IOException {
        for (Path file : List.of(PAYARA_NGINX, DOCKER_NGINX)) {
            String directives = Files.readString(file).replaceAll("(?m)#.*$", "");
            int files = Integer.parseInt(match(directives, "worker_rlimit_nofile\\s+(\\d+);"));
            int connections = Integer.parseInt(match(directives, "worker_connections\\s+(\\d+);"));
            int letIn = Integer.parseInt(match(directives, "limit_conn\\s+connections\\s+(\\d+);"));
            assertTrue(2 * letIn < connections && connections < files, file + ": " + letIn + " sockets, "
                    + connections + " connections a worker, " + files + " files");
            assertTrue(directives.contains("limit_conn_status 503;") && directives.contains("error_page 503 @full;")
                    && directives.contains("add_header Retry-After 10 always;"), file + ": the proxy's refusal is a 503 with Retry-After");
            String nextUpstream = match(directives, "proxy_next_upstream([^;]*);");
            assertFalse(nextUpstream.contains("503"), file + ": a node's 503 is no failure of the node: " + nextUpstream);
        }
        String dockerFiles = match(Files.readString(DOCKER_NGINX), "worker_rlimit_nofile\\s+(\\d+);");
        assertEquals(dockerFiles, compose().get("services").get("nginx").get("ulimits").get("nofile").asText(),
                "the container's open-file limit is nginx's");
        assertTrue(compose().get("services").get("nginx").get("volumes").toString().contains("./nginx.conf:/etc/nginx/nginx.conf"),
                "the whole nginx.conf, not a conf.d part under the image's 1,024 connections a worker");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(Executables.onPath("docker-compose"), "docker-compose not installed");
        Process p = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
    }


    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1);
    }

    private static List<String> all(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
