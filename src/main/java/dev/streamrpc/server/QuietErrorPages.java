package dev.streamrpc.server;

import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;

/**
 * The web app's error pages with the status and its message only. Jetty's show the exception
 * (its class, a "CAUSED BY" row even with causes hidden), its stack trace and the servlet: the
 * code's layout and the JDK's version, to anyone who sends a malformed request.
 */
final class QuietErrorPages extends ErrorPageErrorHandler {

    QuietErrorPages() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) throws IOException {
        return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code, message, null);
    }
}
