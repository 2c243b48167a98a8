package chat.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The container's own error answers (unknown static files, refused methods, failures before the
 * API runs) as {@code {"message": ...}} like every API error, never an HTML page naming the
 * server: web.xml sends every error here.
 */
public class ErrorPage extends HttpServlet {

    /** Where the requests whose path Payara would refuse itself are pointed (see {@code chat.node.UndecodablePaths}). */
    public static final String INVALID_PATH = "/errors/invalid-path";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        try {
            answer(request, response);
        } catch (IOException gone) {
            // No one to tell: the client hung up. Thrown, it was logged twice with stack traces for every
            // request such a client had pipelined (docs/SECURITY.md, "No stalls"). Nor should Payara try its
            // own page after ours (that failed with a logged stack trace too): this attribute is its sign
            // that an error page has handled the error; other containers ignore it.
            request.setAttribute("org.glassfish.jsp.error_handled", Boolean.TRUE);
        }
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null && INVALID_PATH.equals(request.getServletPath())) {
            JsonErrors.write(response, 400, "The request's path is not valid");
            return;
        }
        int status = code instanceof Integer number ? number : 404;
        response.resetBuffer();
        JsonErrors.write(response, status, switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Not logged in";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 408 -> "Request timeout";
            case 413 -> "Request too large";
            case 415 -> "Unsupported media type";
            case 503 -> "Service unavailable";
            default -> status >= 500 ? "Internal error" : "Request refused";
        });
    }
}
