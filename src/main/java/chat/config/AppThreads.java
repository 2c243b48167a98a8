package chat.config;

/** The threads this application starts itself. */
public final class AppThreads {

    /**
     * A daemon thread whose context class loader is the application's, set rather than inherited:
     * Payara's deploying thread sometimes has none for a moment (its own boot then fails to load its
     * policy provider), and a thread started then kept that for good, so that every lookup through
     * it failed (service loaders: the JSON provider, Redisson's parts).
     */
    public static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(AppThreads.class.getClassLoader());
        return thread;
    }

    private AppThreads() {
    }
}
