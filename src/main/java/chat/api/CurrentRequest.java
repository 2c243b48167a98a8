package chat.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The HTTP request being served, for CDI beans. Normally the container's own; but an API call
 * whose body {@link BoundedBody} read asynchronously runs in an async dispatch, where Payara
 * gives CDI no request (WELD-000710), so the filter hands it over here.
 */
@RequestScoped
public class CurrentRequest {

    @Inject
    HttpServletRequest container;

    private HttpServletRequest dispatched;

    void dispatched(HttpServletRequest request) {
        this.dispatched = request;
    }

    public HttpServletRequest get() {
        return dispatched != null ? dispatched : container;
    }
}
