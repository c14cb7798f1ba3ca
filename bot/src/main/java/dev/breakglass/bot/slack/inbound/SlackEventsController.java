package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import dev.breakglass.bot.config.SlackEndpoint;
import dev.breakglass.bot.persistence.JdbcSeenRequests;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /slack/events}: slash commands, interactivity and events from Slack over HTTP.
 *
 * <p>The signature is checked on the raw body before anything else; a request that fails gets 401 and
 * reaches no handler, so it causes no Web API call. When the bot runs in Socket Mode without a signing
 * secret, the endpoint answers 404: there is nothing it could verify with.
 *
 * <p>A correctly signed request whose payload Bolt cannot read (not a JSON object, a view submission without a
 * view…: shapes Slack never sends) gets 400 and reaches no handler.
 *
 * <p>A correctly signed request whose signature was already answered ({@link JdbcSeenRequests}, shared by the
 * replicas) is a repeat — Slack delivering it again, or someone replaying it within the timestamp window — and
 * gets an empty 200 without reaching a handler: one request, one grant.
 */
@Controller("/slack")
// Platform threads, not the virtual ones BLOCKING gives: virtual threads share as many carriers as there are cores,
// so on a saturated machine the people waiting on an answer got two threads' share of the CPU against the relay's and
// the timers' platform threads (acks of seconds under load); Bolt handlers block on Slack's HTTP client and the pool.
@ExecuteOn(TaskExecutors.IO)
public class SlackEventsController {
    private static final Logger LOG = LoggerFactory.getLogger(SlackEventsController.class);

    private final App app;
    private final SlackRequestParser parser;
    private final SlackSignature signature;
    private final JdbcSeenRequests seen;
    private final Clock clock;

    public SlackEventsController(App app, SlackEndpoint endpoint, Clock clock, JdbcSeenRequests seen) {
        this.app = app;
        this.seen = seen;
        this.clock = clock;
        this.parser = new SlackRequestParser(app.config());
        this.signature = endpoint.signingSecret().map(s -> new SlackSignature(s, clock)).orElse(null);
    }

    @Post(uri = "/events",
            consumes = {MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON},
            produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> events(HttpRequest<?> request, @Body String body) throws Exception {
        if (signature == null) {
            return HttpResponse.notFound("{\"error\":\"HTTP delivery is off: this bot runs in Socket Mode\"}");
        }
        var verdict = signature.verify(request.getHeaders().get("X-Slack-Request-Timestamp"),
                request.getHeaders().get("X-Slack-Signature"), body);
        if (verdict instanceof SlackSignature.Verdict.Invalid invalid) {
            LOG.warn("Refused a request to /slack/events from {}: {}", request.getRemoteAddress(), invalid.reason());
            return HttpResponse.<String>status(HttpStatus.UNAUTHORIZED)
                    .body("{\"error\":\"invalid Slack signature\"}");
        }
        if (!seen.firstSighting(request.getHeaders().get("X-Slack-Signature"), clock.instant())) {
            LOG.warn("Ignored a repeated Slack request from {} (its signature was already answered)",
                    request.getRemoteAddress());
            return HttpResponse.ok();
        }
        Request<?> slackRequest;
        try {
            slackRequest = parser.parse(SlackRequestParser.HttpRequest.builder()
                    .requestUri(request.getPath())
                    .queryString(request.getParameters().asMap())
                    .headers(new RequestHeaders(headers(request)))
                    .requestBody(body)
                    .remoteAddress(request.getRemoteAddress().getAddress().getHostAddress())
                    .build());
        } catch (RuntimeException e) {
            // Bolt reads the payload eagerly (Gson) and throws on a shape Slack never sends: a payload that is not
            // an object, a view_submission without a view, form state that is not an object. Signed, so it came
            // with our secret, but still not something to answer with a 500 and a stack trace (found by
            // InteractivePayloadFuzzTest). Nothing reached a handler, so nothing changed.
            LOG.warn("Refused a signed request to /slack/events that Bolt cannot read: {}", e.getClass().getSimpleName());
            return HttpResponse.<String>status(HttpStatus.BAD_REQUEST).body("{\"error\":\"unreadable payload\"}");
        }
        return toMicronaut(app.run(slackRequest));
    }

    private static Map<String, List<String>> headers(HttpRequest<?> request) {
        Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.getHeaders().forEach((name, values) -> out.put(name, new ArrayList<>(values)));
        return out;
    }

    private static HttpResponse<String> toMicronaut(Response response) {
        MutableHttpResponse<String> out = HttpResponse.status(HttpStatus.valueOf(response.getStatusCode()));
        response.getHeaders().forEach((name, values) -> values.forEach(v -> out.header(name, v)));
        if (response.getContentType() != null) {
            out.contentType(response.getContentType());
        }
        return response.getBody() == null ? out : out.body(response.getBody());
    }
}
