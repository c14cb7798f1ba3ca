package dev.breakglass.bot;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /metrics}: every metric in Prometheus's text format. Names and counts only, never grant details. */
@Controller("/metrics")
public class MetricsController {
    private final PrometheusMeterRegistry registry;

    public MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get(produces = "text/plain; version=0.0.4; charset=utf-8")
    public HttpResponse<String> scrape() {
        return HttpResponse.ok(registry.scrape());
    }
}
