package chat.limits;

import jakarta.servlet.http.HttpServletRequest;

import java.util.List;

/** The client's address: the peer, or the last untrusted hop of X-Forwarded-For when the peer is a trusted proxy. */
public final class ClientAddress {

    public static String of(HttpServletRequest request, List<String> trustedProxies) {
        String peer = request.getRemoteAddr();
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }

    private ClientAddress() {
    }
}
