package dev.streamrpc.server;

import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;

/**
 * The web app's error pages with the status and its message only. Jetty's show the exception
 * (its class, a "CAUSED BY" row even with causes hidden), its stack trace and the servlet: the
 * code's layout and the JDK's version, to anyone who sends a malformed request. A client error's
 * message stays (it says what was wrong with the request: "Missing request header ...").
 */
final class QuietErrorPages extends ErrorPageErrorHandler {

    /** The servlet handler's own defaults show stacks and the servlet (the core handler's do not). */
    QuietErrorPages() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    /**
     * Without the cause; and for a server error, with the status's own reason: Jetty makes the
     * message of an uncaught exception its {@code toString()} (class and message).
     */
    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) throws IOException {
        String shown = code >= HttpStatus.INTERNAL_SERVER_ERROR_500 ? HttpStatus.getMessage(code) : message;
        return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code, shown, null);
    }
}
