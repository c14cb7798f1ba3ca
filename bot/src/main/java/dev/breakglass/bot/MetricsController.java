package dev.breakglass.bot;

import dev.breakglass.bot.config.BearerToken;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * {@code GET /metrics}: every metric in Prometheus's text format. Names and counts only, never grant details.
 *
 * <p>Who may read it: with {@code BREAKGLASS_METRICS_TOKEN} set, whoever sends
 * {@code Authorization: Bearer <token>} (else 401), from anywhere; without it, clients on a loopback address only
 * (else 403 saying to set the token). Edge case: behind a reverse proxy on the same machine every client looks
 * local, so set the token there.
 */
@Controller("/metrics")
public class MetricsController {
    private final PrometheusMeterRegistry registry;
    private final Optional<BearerToken> token;

    public MetricsController(PrometheusMeterRegistry registry,
                             @Value("${breakglass.metrics.token:}") String token) {
        this.registry = registry;
        this.token = BearerToken.of("BREAKGLASS_METRICS_TOKEN", token);
    }

    @Get(produces = "text/plain; version=0.0.4; charset=utf-8")
    public HttpResponse<String> scrape(HttpRequest<?> request,
                                       @Nullable @Header(HttpHeaders.AUTHORIZATION)
                                       String authorization) {
        return refusal(token, request.getRemoteAddress(), authorization).orElseGet(() ->
                HttpResponse.ok(registry.scrape()));
    }

    /** Why a scrape is refused, or empty when it may proceed. */
    static Optional<HttpResponse<String>> refusal(Optional<BearerToken> token, InetSocketAddress client,
                                                  String authorization) {
        if (token.isPresent()) {
            if (token.get().admits(authorization)) {
                return Optional.empty();
            }
            return Optional.of(HttpResponse.<String>status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"breakglass-metrics\""));
        }
        InetAddress address = client == null ? null : client.getAddress();
        if (address != null && address.isLoopbackAddress()) {
            return Optional.empty();
        }
        return Optional.of(HttpResponse.<String>status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN_TYPE)
                .body("/metrics answers only this machine; to scrape it from elsewhere set BREAKGLASS_METRICS_TOKEN "
                        + "and send it as a bearer token"));
    }
}
