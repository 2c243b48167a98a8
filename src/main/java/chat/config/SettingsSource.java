package chat.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads the {@link Settings} once per deployment: from MicroProfile Config when the runtime has it
 * (which covers system properties and environment variables), otherwise from system properties
 * and the environment directly, so the WAR also runs on servers without MicroProfile.
 */
@ApplicationScoped
public class SettingsSource {

    private static final Logger LOG = Logger.getLogger(SettingsSource.class.getName());

    private volatile Settings settings;

    /**
     * Reads them before any other start-up observer runs: an invalid value throws here, which
     * fails the deployment, so the node never serves with a setting it would trip over later.
     */
    void readAtStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class) Object application) {
        settings();
    }

    @Produces
    Settings settings() {
        Settings read = settings;
        if (read == null) {
            synchronized (this) {
                if (settings == null) {
                    try {
                        Set<String> given = new TreeSet<>(System.getenv().keySet());
                        given.addAll(System.getProperties().stringPropertyNames());
                        settings = Settings.read(SettingsSource::value, given);
                    } catch (IllegalArgumentException e) {
                        LOG.log(Level.SEVERE, e.getMessage());
                        throw e;
                    }
                }
                read = settings;
            }
        }
        return read;
    }

    private static Optional<String> value(String name) {
        try {
            return MicroProfile.value(name);
        } catch (LinkageError | RuntimeException noMicroProfileConfig) {
            return Optional.ofNullable(System.getProperty(name)).or(() -> Optional.ofNullable(System.getenv(name)));
        }
    }

    /** Kept apart so that a server without MicroProfile Config never loads its classes. */
    private static final class MicroProfile {
        static Optional<String> value(String name) {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(name, String.class);
        }
    }
}
