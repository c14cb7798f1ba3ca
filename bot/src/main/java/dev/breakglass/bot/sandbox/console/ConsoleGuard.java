package dev.breakglass.bot.sandbox.console;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the sandbox console: by default only a browser on this machine. Refused with 403 and a sentence
 * saying why:
 * <ul>
 *   <li>a client that is not on a loopback address, unless {@code BREAKGLASS_SANDBOX_PUBLIC=true} (for
 *       {@code docker run -p}, where the browser is outside the container);</li>
 *   <li>a request whose {@code Host} is not a loopback name or address, unless public — a web page on another
 *       site that re-points its own name at 127.0.0.1 (DNS rebinding) cannot read or drive the console;</li>
 *   <li>a POST whose {@code Origin} is not the console's own — another site cannot click Approve through the
 *       visitor's browser. A POST without {@code Origin} (curl, scripts) is not a browser's cross-site request.</li>
 * </ul>
 * The demo users have no passwords: whoever reaches the console can act as any of them, which is why it is closed
 * to the network unless asked for, and why none of it exists when a bot token is set.
 */
@ServerFilter({"/sandbox", "/sandbox/**"})
@Requires(condition = SandboxModeCondition.class)
public class ConsoleGuard {
    private final boolean publicAccess;

    public ConsoleGuard(@Value("${breakglass.sandbox.public:false}") boolean publicAccess) {
        this.publicAccess = publicAccess;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        return refusal(publicAccess, request.getRemoteAddress().getAddress(), request.getHeaders().get("Host"),
                request.getHeaders().get("Origin"), request.getMethod())
                .map(reason -> HttpResponse.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN_TYPE)
                        .body(reason))
                .orElse(null);
    }

    /** Why this request is refused, or empty when it may pass. Pure, for tests. */
    static Optional<String> refusal(boolean publicAccess, InetAddress client, String host, String origin,
                                    HttpMethod method) {
        if (!publicAccess && (client == null || !client.isLoopbackAddress())) {
            return Optional.of("The sandbox console answers only this machine. To open it to the network (e.g. for "
                    + "docker run -p), set BREAKGLASS_SANDBOX_PUBLIC=true.");
        }
        if (!publicAccess && !isLoopbackName(hostName(host))) {
            return Optional.of("The sandbox console answers only requests for localhost, not for " + host + ".");
        }
        if (method == HttpMethod.POST && origin != null && !origin.equals("null")
                && !authority(origin).equalsIgnoreCase(host == null ? "" : host)) {
            return Optional.of("The sandbox console does not take actions from another site (" + origin + ").");
        }
        if (method == HttpMethod.POST && "null".equals(origin)) {
            return Optional.of("The sandbox console does not take actions from an opaque origin.");
        }
        return Optional.empty();
    }

    private static String hostName(String host) {
        if (host == null || host.isBlank()) {
            return "";
        }
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static boolean isLoopbackName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("localhost") || n.endsWith(".localhost") || n.equals("::1") || n.matches("127(\\.\\d{1,3}){3}");
    }

    /** {@code host[:port]} of an Origin header; empty when it cannot be read. */
    private static String authority(String origin) {
        try {
            String a = URI.create(origin.trim()).getRawAuthority();
            return a == null ? "" : a;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
