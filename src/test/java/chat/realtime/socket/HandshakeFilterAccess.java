package chat.realtime.socket;

/** Opens the filter's package-private origin logic to tests in other packages. */
public final class HandshakeFilterAccess {

    public static String normalize(String origin) {
        return HandshakeFilter.normalize(origin);
    }

    private HandshakeFilterAccess() {
    }
}
