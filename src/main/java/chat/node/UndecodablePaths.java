package chat.node;

import chat.api.ErrorPage;

import java.lang.annotation.Annotation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Payara answers some requests itself, before any filter, valve or error page of ours, so
 * without our JSON body and security headers: a path with a '%' not followed by two hex digits
 * ({@code GET /%zz}) gets 200 with an empty body (payara/Payara#8000), and one that decodes to a
 * NUL, a backslash, bytes that are not UTF-8 or a ".." above the root gets an empty
 * "400 Invalid URI". This workaround watches Payara's HTTP listeners through Grizzly's public
 * monitoring hook ({@code HttpServerProbe}) and points such a request, before Payara reads its
 * path, at {@link ErrorPage#INVALID_PATH}, which answers 400 like every error of ours
 * (docs/SECURITY.md). The listeners are found through Payara's service locator with reflection
 * (this WAR compiles against no Payara API); on another runtime it finds none and says so once.
 * {@code CHAT_PAYARA_UNDECODABLE_PATHS=false} turns it off.
 *
 * <p>Payara opens its HTTP listener only after the deployment (payara/listener-open.asadmin), so
 * the node looks every tenth of a second until it watches one, and at every tick for listeners
 * Payara made anew.
 */
final class UndecodablePaths {

    private static final Logger LOG = Logger.getLogger(UndecodablePaths.class.getName());
    private static final String PROBE = "org.glassfish.grizzly.http.server.HttpServerProbe";
    private static final String FILTER = "org.glassfish.grizzly.http.server.HttpServerFilter";

    private final ClassLoader container;
    /** The Grizzly filters our probe watches (weak: Payara may replace a listener, and its filters with it). */
    private final Set<Object> watched = Collections.newSetFromMap(new WeakHashMap<>());
    private Object probe;
    private boolean reported;
    private volatile boolean watching;
    private volatile boolean gaveUp;

    UndecodablePaths(ClassLoader container) {
        this.container = container;
    }

    /**
     * Watches every HTTP listener Payara has that is not watched yet; quiet when there are none
     * (yet). Gives up for good at the first failure: this is not Payara, or not one it knows.
     */
    synchronized void watchListeners() {
        if (gaveUp) {
            return;
        }
        try {
            Class<?> filterType = Class.forName(FILTER, false, container);
            for (Object filter : httpServerFilters(filterType)) {
                if (watched.add(filter)) {
                    changeProbes(filter, "addProbes");
                    watching = true;
                    if (!reported) {
                        reported = true;
                        LOG.info("Payara's undecodable paths: workaround ACTIVE: such requests are answered 400 by the chat");
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            gaveUp = true;
            LOG.info("Payara's undecodable paths: workaround INACTIVE: no Grizzly listener of Payara's found (" + e + ")");
        }
    }

    /** Whether the search for a first listener is over: one is watched, or this is not Payara. */
    boolean settled() {
        return watching || gaveUp;
    }

    /** Stops watching: the probe holds this application's classes. */
    synchronized void stop() {
        for (Object filter : watched) {
            try {
                changeProbes(filter, "removeProbes");
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, "A probe could not be removed", e);
            }
        }
        watched.clear();
        watching = false;
    }

    /** Adds our probe to, or removes it from, the filter's {@code MonitoringConfig} ({@code addProbes}, {@code removeProbes}). */
    private void changeProbes(Object filter, String change) throws ReflectiveOperationException {
        Object monitoring = Class.forName(FILTER, false, container).getMethod("getMonitoringConfig").invoke(filter);
        Class.forName("org.glassfish.grizzly.monitoring.MonitoringConfig", false, container)
                .getMethod(change, Object[].class).invoke(monitoring, probes());
    }

    /** Our probe in an array of the probe type, as {@code MonitoringConfig.addProbes(E...)} takes it. */
    private Object probes() throws ReflectiveOperationException {
        Object one = probe();
        Object probes = Array.newInstance(Class.forName(PROBE, false, container), 1);
        Array.set(probes, 0, one);
        return probes;
    }

    private List<Object> httpServerFilters(Class<?> filterType) throws ReflectiveOperationException {
        Object locator = Class.forName("org.glassfish.internal.api.Globals", true, container).getMethod("getDefaultHabitat").invoke(null);
        Class<?> locatorType = Class.forName("org.glassfish.hk2.api.ServiceLocator", false, container);
        Method getService = locatorType.getMethod("getService", Class.class, Annotation[].class);
        Method getAllServices = locatorType.getMethod("getAllServices", Class.class, Annotation[].class);
        Class<?> grizzlyType = Class.forName("com.sun.enterprise.v3.services.impl.GrizzlyService", false, container);
        Class<?> listenerType = Class.forName("org.glassfish.grizzly.config.dom.NetworkListener", false, container);
        Object grizzly = getService.invoke(locator, grizzlyType, new Annotation[0]);
        List<Object> filters = new ArrayList<>();
        for (Object listener : (List<?>) getAllServices.invoke(locator, listenerType, new Annotation[0])) {
            Object proxy = grizzlyType.getMethod("lookupNetworkProxy", listenerType).invoke(grizzly, listener);
            if (proxy == null) {
                continue; // disabled (until the deployment is done), or not started yet
            }
            Object grizzlyListener = proxy.getClass().getMethod("getUnderlyingListener").invoke(proxy);
            if (grizzlyListener != null) {
                for (Object filter : (List<?>) grizzlyListener.getClass().getMethod("getFilters", Class.class).invoke(grizzlyListener, filterType)) {
                    filters.add(filter);
                }
            }
        }
        return filters;
    }

    private Object probe() throws ReflectiveOperationException {
        if (probe == null) {
            Class<?> probeType = Class.forName(PROBE, false, container);
            probe = Proxy.newProxyInstance(container, new Class<?>[] {probeType}, new Redirect(container));
        }
        return probe;
    }

    /** Points a request whose path Payara would refuse itself at our answer, before Payara reads it. */
    private static final class Redirect implements InvocationHandler {

        private final Method packetOf;
        private final Method uriOf;
        private final Method setUri;

        Redirect(ClassLoader container) throws ReflectiveOperationException {
            // Looked up on the public types: the objects' own classes need not be public.
            packetOf = Class.forName("org.glassfish.grizzly.http.server.Request", false, container).getMethod("getRequest");
            Class<?> packet = Class.forName("org.glassfish.grizzly.http.HttpRequestPacket", false, container);
            uriOf = packet.getMethod("getRequestURI");
            setUri = packet.getMethod("setRequestURI", String.class);
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws ReflectiveOperationException {
            switch (method.getName()) {
                case "onRequestReceiveEvent" -> {
                    Object packet = packetOf.invoke(args[2]);
                    String uri = (String) uriOf.invoke(packet);
                    if (uri != null && refusedByPayara(uri)) {
                        setUri.invoke(packet, ErrorPage.INVALID_PATH);
                    }
                    return null;
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                case "equals" -> {
                    return self == args[0];
                }
                case "toString" -> {
                    return "chat: undecodable paths";
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /**
     * Whether Payara would answer this raw request path itself, before the application: a '%' not
     * followed by two hex digits (its empty 200), or, once decoded, a NUL, a backslash, bytes that are
     * not UTF-8, or a ".." above the root (its empty "400 Invalid URI"). Raw bytes above ASCII count
     * as the bytes they are, as in Payara.
     */
    static boolean refusedByPayara(String path) {
        byte[] bytes = new byte[path.length()];
        int length = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    return true;
                }
                bytes[length++] = (byte) (high * 16 + low);
                i += 2;
            } else {
                bytes[length++] = (byte) c;
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException notUtf8) {
            return true;
        }
        if (decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return true;
        }
        int depth = 0;
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals("..") && --depth < 0) {
                return true;
            } else if (!segment.isEmpty() && !segment.equals(".") && !segment.equals("..")) {
                depth++;
            }
        }
        return false;
    }
}
