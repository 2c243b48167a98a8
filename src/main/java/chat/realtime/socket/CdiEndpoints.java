package chat.realtime.socket;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Hands the WebSocket runtime its endpoint from CDI. Jakarta WebSocket leaves open whether a
 * server endpoint is a CDI bean: Tyrus (Payara) and Undertow (WildFly) inject its fields anyway,
 * but Open Liberty's default configurator does not, and fails every handshake on the endpoint's
 * {@code @Inject} fields (CWOWB1006E). Asking CDI for the instance works the same everywhere.
 */
public class CdiEndpoints extends ServerEndpointConfig.Configurator {

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return CDI.current().select(endpointClass).get();
    }
}
