package chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories under the integration tests' work directory ({@code target/it}). */
public final class WorkDirs {

    public static Path root() {
        Path root = Path.of(System.getProperty("chat.test.workDir", "target/it"));
        try {
            return Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path fresh(String prefix) {
        try {
            return Files.createTempDirectory(root(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WorkDirs() {
    }
}
