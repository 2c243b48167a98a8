package chat.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Programs a test needs from the machine (nginx, docker-compose): it skips without them. */
public final class Executables {

    private Executables() {
    }

    public static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
