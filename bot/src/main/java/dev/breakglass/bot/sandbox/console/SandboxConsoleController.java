package dev.breakglass.bot.sandbox.console;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code /sandbox}: the console page, its assets, and the JSON API the page talks to. Thin: every call is one
 * {@link SandboxConsole} method.
 *
 * <pre>
 * GET  /sandbox                     the page
 * GET  /sandbox/assets/{name}       its scripts, styles and pictures (classpath:sandbox/)
 * GET  /sandbox/api/workspace       users, groups, channels, the bot
 * GET  /sandbox/api/state?user=U…   what that user sees now
 * GET  /sandbox/api/events          Server-Sent Events: "changed" with the new version after every change
 * POST /sandbox/api/command         {"user","channel","text"}              a /breakglass command
 * POST /sandbox/api/click           {"user","channel","ts","action_id","value"} or {"user","view_id",…}
 * POST /sandbox/api/submit          {"user","view_id","values"}            a modal's submit button
 * POST /sandbox/api/close           {"user","view_id"}                     a modal's close button
 * POST /sandbox/api/home            {"user"}                               the user opens the Home tab
 * </pre>
 * Actions answer {@code {"ok":true}} or {@code {"ok":false,"error":"operation_timeout"}} (the bot was too slow
 * for Slack) with 200; a request that names something that does not exist answers 400 with
 * {@code {"error":"…"}} and reaches nothing.
 */
@Controller("/sandbox")
@Requires(condition = SandboxModeCondition.class)
@ExecuteOn(TaskExecutors.BLOCKING) // deliveries wait for the bot's own answer
public class SandboxConsoleController {
    private static final ObjectMapper JSON = JsonMappers.standard();
    private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(js|css|svg|png|html)");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "html", "text/html; charset=utf-8");
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final SandboxConsole console;

    public SandboxConsoleController(SandboxConsole console) {
        this.console = console;
    }

    @Get(produces = MediaType.TEXT_HTML)
    public HttpResponse<?> page() {
        return asset("index.html");
    }

    @Get("/assets/{name}")
    public HttpResponse<?> asset(@PathVariable String name) {
        if (!ASSET.matcher(name).matches()) {
            return HttpResponse.notFound();
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("sandbox/" + name)) {
            if (in == null) {
                return HttpResponse.notFound();
            }
            String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
            return HttpResponse.ok(in.readAllBytes()).contentType(type).header("Cache-Control", "no-cache")
                    .header("X-Content-Type-Options", "nosniff");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(value = "/api/workspace", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> workspace() {
        return answer(console::workspace);
    }

    @Get(value = "/api/state", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> state(@QueryValue @Nullable String user) {
        return answer(() -> console.snapshot(user));
    }

    /** One "changed" event now and after every change; a "ping" every 15 s keeps proxies from closing it. */
    @Get(value = "/api/events", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> events() {
        Flux<Event<String>> changes = Flux.create(sink -> {
            LongConsumer watcher = v -> sink.next(Event.of(Long.toString(v)).name("changed"));
            console.watch(watcher);
            sink.onDispose(() -> console.unwatch(watcher));
            sink.next(Event.of(Long.toString(console.version())).name("changed"));
        }, FluxSink.OverflowStrategy.LATEST);
        return Flux.merge(changes, Flux.interval(KEEP_ALIVE).map(i -> Event.of("").name("ping")));
    }

    @Post(value = "/api/command", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> command(@Body String body) {
        return act(body, b -> console.command(text(b, "user"), text(b, "channel"), b.path("text").asText("")));
    }

    @Post(value = "/api/click", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> click(@Body String body) {
        return act(body, b -> {
            String value = b.hasNonNull("value") ? b.get("value").asText() : null;
            if (b.hasNonNull("view_id")) {
                return console.clickInView(text(b, "user"), text(b, "view_id"), text(b, "action_id"), value);
            }
            return console.click(text(b, "user"), text(b, "channel"), text(b, "ts"), text(b, "action_id"), value);
        });
    }

    @Post(value = "/api/submit", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> submit(@Body String body) {
        return act(body, b -> console.submit(text(b, "user"), text(b, "view_id"), b.get("values")));
    }

    @Post(value = "/api/close", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> close(@Body String body) {
        return act(body, b -> console.close(text(b, "user"), text(b, "view_id")));
    }

    @Post(value = "/api/home", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> home(@Body String body) {
        return act(body, b -> console.homeOpened(text(b, "user")));
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> act(String body, Function<JsonNode, SandboxConsole.Outcome> action) {
        return answer(() -> {
            JsonNode b;
            try {
                b = JSON.readTree(body == null ? "" : body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the body is not JSON");
            }
            if (b == null || !b.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            SandboxConsole.Outcome outcome = action.apply(b);
            ObjectNode out = JSON.createObjectNode();
            out.put("ok", outcome.ok());
            if (outcome.error() != null) {
                out.put("error", outcome.error());
            }
            return out;
        });
    }

    private static HttpResponse<String> answer(Supplier<ObjectNode> work) {
        try {
            return HttpResponse.ok(JSON.writeValueAsString(work.get())).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (IllegalArgumentException | IllegalStateException e) {
            ObjectNode error = JSON.createObjectNode().put("error", e.getMessage());
            return HttpResponse.<String>status(HttpStatus.BAD_REQUEST).body(error.toString())
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("\"" + field + "\" is required");
        }
        return v.asText();
    }
}
