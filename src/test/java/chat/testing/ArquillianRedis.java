package chat.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the Redis that the Arquillian-managed Payara Micro is pointed at (arquillian.xml), on
 * the port build-helper reserved, before any test and so before any deployment; only in the
 * integration-test run, which is the one that sets {@code chat.it.redisPort}.
 */
public class ArquillianRedis implements LauncherSessionListener {

    private RedisServerProcess redis;
    private final long openedAt = System.currentTimeMillis();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String port = System.getProperty("chat.it.redisPort");
        if (port != null && !port.isBlank() && redis == null) {
            try {
                Path base = Path.of(System.getProperty("chat.test.workDir", "target/it"));
                Files.createDirectories(base);
                redis = RedisServerProcess.start(Integer.parseInt(port), Files.createTempDirectory(base, "arquillian-redis-"), false);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (redis != null) {
            redis.stop();
            redis = null;
            removeArquillianLeftovers();
        }
    }

    /** The Payara Micro container leaves its unpacked runtime in /tmp; remove those made by this run. */
    private void removeArquillianLeftovers() {
        File[] dirs = new File(System.getProperty("java.io.tmpdir")).listFiles(
                f -> f.getName().startsWith("arquillian-payara-micro") && f.lastModified() >= openedAt - 1000);
        if (dirs != null) {
            for (File dir : dirs) {
                try (var paths = Files.walk(dir.toPath())) {
                    paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                } catch (java.io.IOException | RuntimeException e) {
                    // best effort: a leftover in /tmp is untidy, not wrong
                }
            }
        }
    }
}
