package dev.breakglass.bot.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.breakglass.activity.ActivityService;
import dev.breakglass.bot.config.BearerToken;
import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.bot.json.JsonMappers;
import dev.breakglass.bot.outbound.WebhookSignature;
import dev.breakglass.bot.persistence.JdbcSeenRequests;
import dev.breakglass.command.DurationText;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /activity}: signed activity from targets and recorders that the bot cannot read itself (a proxy, a shell
 * recorder, a cloud-trail forwarder). The body is one activity or {@code {"activities": [...]}}
 * ({@link IngestedActivity}); it is signed like the webhook adapter's calls, with
 * {@code BREAKGLASS_ACTIVITY_SECRET}: {@code X-Breakglass-Timestamp} (Unix seconds) and
 * {@code X-Breakglass-Signature: v1=<hex HMAC-SHA256 of "v1:<timestamp>:<body>">}.
 *
 * <p>Answers, in the order they are checked; every refusal is JSON {@code {"error": "…"}} and stores nothing:
 * <ul>
 *   <li>404: no secret is configured (the endpoint is off);</li>
 *   <li>413: a body over {@value #MAX_BODY} bytes;</li>
 *   <li>401: unsigned, a bad signature, or a timestamp more than 300 s from the bot's clock either way;</li>
 *   <li>400: not JSON, or a field that breaks the rules (named, with the activity's index);</li>
 *   <li>409: the same signature again within the window (a replay; sign a retry afresh);</li>
 *   <li>422: an unknown grant, one that never held access, or one whose access ended longer ago than the grace
 *       window ({@code breakglass.activity.grace}, 10 minutes);</li>
 *   <li>200: {@code {"grant": "BG-7", "stored": n, "flagged": k}}.</li>
 * </ul>
 * Seen signatures are kept in the database ({@link JdbcSeenRequests}) for twice the window, so a replay is refused
 * by every replica and after a restart.
 */
@Controller("/activity")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ActivityIngestController {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityIngestController.class);
    /** Largest body taken (500 activities of about a kilobyte each); the server refuses over 1 MiB before this. */
    public static final int MAX_BODY = 512 * 1024;
    /** The setting that turns the endpoint on. */
    static final String SECRET_VARIABLE = "BREAKGLASS_ACTIVITY_SECRET";

    private final Optional<WebhookSignature> signature;
    private final Clock clock;
    private final ActivityService activity;
    private final JdbcSeenRequests seen;

    public ActivityIngestController(@Value("${breakglass.activity.secret:}") String secret, Clock clock,
                                    ActivityService activity, JdbcSeenRequests seen) {
        if (!secret.isBlank() && secret.strip().length() < BearerToken.MIN_LENGTH) {
            throw new InvalidConfigurationException(SECRET_VARIABLE + " is shorter than " + BearerToken.MIN_LENGTH
                    + " characters: use a long random value (e.g. openssl rand -hex 32)");
        }
        this.signature = secret.isBlank() ? Optional.empty() : Optional.of(new WebhookSignature(secret.strip()));
        this.clock = clock;
        this.activity = activity;
        this.seen = seen;
    }

    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> ingest(@Nullable @Header(WebhookSignature.TIMESTAMP_HEADER) String timestamp,
                                       @Nullable @Header(WebhookSignature.SIGNATURE_HEADER) String signed,
                                       @Nullable @Body byte[] body) {
        if (signature.isEmpty()) {
            return refuse(HttpStatus.NOT_FOUND, "POST /activity is off: set " + SECRET_VARIABLE + " to turn it on");
        }
        byte[] raw = body == null ? new byte[0] : body;
        if (raw.length > MAX_BODY) {
            return refuse(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "the body is " + raw.length + " bytes; at most "
                    + MAX_BODY + " per post");
        }
        Instant now = clock.instant();
        Optional<String> unsigned = signature.get().refusal(timestamp, signed, raw, now.getEpochSecond());
        if (unsigned.isPresent()) {
            return refuse(HttpStatus.UNAUTHORIZED, unsigned.get());
        }
        IngestedActivity.Read read = IngestedActivity.read(raw, now);
        if (read instanceof IngestedActivity.Read.Invalid(String why)) {
            return refuse(HttpStatus.BAD_REQUEST, why);
        }
        var posted = (IngestedActivity.Read.Activities) read;
        if (!seen.firstSighting("activity " + signed.strip(), now)) {
            return refuse(HttpStatus.CONFLICT, "replayed: this signature was already received; sign a retry afresh");
        }
        return switch (activity.record(posted.grant(), posted.source(), posted.activities())) {
            case ActivityService.Recording.Refused(ActivityService.Refusal why) -> refuse(
                    HttpStatus.UNPROCESSABLE_ENTITY, switch (why) {
                        case UNKNOWN_GRANT -> "there is no grant " + posted.grant();
                        case NEVER_ACTIVE -> posted.grant() + " never held access (pending, denied, cancelled, timed "
                                + "out or failed): there is nothing to record under it";
                        case ENDED -> "the access of " + posted.grant() + " ended more than "
                                + DurationText.format(activity.grace()) + " ago; activity is taken until then";
                    });
            case ActivityService.Recording.Stored stored -> {
                long flagged = stored.rows().stream().filter(r -> r.flag().isPresent()).count();
                LOG.info("Stored {} activities of {} from {} ({} flagged)", stored.rows().size(), posted.grant(),
                        posted.source(), flagged);
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("grant", posted.grant().toString());
                answer.put("stored", stored.rows().size());
                answer.put("flagged", flagged);
                yield HttpResponse.ok(json(answer));
            }
        };
    }

    private static HttpResponse<String> refuse(HttpStatus status, String why) {
        return HttpResponse.<String>status(status).body(json(Map.of("error", why)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static String json(Map<String, ?> value) {
        try {
            return JsonMappers.standard().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
