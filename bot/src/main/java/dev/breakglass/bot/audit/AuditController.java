package dev.breakglass.bot.audit;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Named;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * {@code GET /audit/export} (JSON Lines, one {@link AuditChain#jsonLine} per entry, oldest first, streamed) and
 * {@code GET /audit/verify} (the chain recomputed with the audit key: {@code {"ok":true,"entries":N}} or
 * {@code {"ok":false,"entries":N,"break":{"seq","grant","type","problem"}}}); {@code ?checkpoint=<line>} (URL-encoded)
 * also checks that the log still holds a published {@link Checkpoint}, and a line that is not one is a 400.
 *
 * <p>Both need {@code Authorization: Bearer <BREAKGLASS_AUDIT_TOKEN>}. Edge cases: no token configured → 404, as if
 * the endpoints did not exist; a missing, malformed or wrong token → 401 (compared in constant time, never logged
 * or echoed); {@code ?grant=BG-7} (or {@code 7}) exports one grant's entries — a subset whose links point at
 * entries outside it, so only a full export verifies on its own; a bad grant → 400. The export is written while
 * read: a database failure midway aborts the response rather than ending it early, so a short file is never
 * mistaken for a whole one.
 */
@Controller("/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {
    /** The JSON Lines media type. */
    public static final String NDJSON = JsonLines.NDJSON;
    private static final ObjectMapper JSON = JsonMappers.standard();

    private final AuditSettings settings;
    private final JdbcAuditLog log;
    private final ExecutorService writers;

    public AuditController(AuditSettings settings, JdbcAuditLog log,
                           @Named(TaskExecutors.BLOCKING) ExecutorService writers) {
        this.settings = settings;
        this.log = log;
        this.writers = writers;
    }

    @Get("/export")
    public HttpResponse<?> export(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                  @Nullable @QueryValue("grant") String grant) {
        return switch (ExportRequest.of(settings, authorization, grant)) {
            case ExportRequest.Refused r -> r.answer();
            case ExportRequest.Allowed a -> JsonLines.stream(writers, "the audit export", sink -> {
                if (a.grant().isEmpty()) {
                    log.each(e -> sink.accept(AuditChain.jsonLine(e)));
                } else {
                    log.forGrant(a.grant().get()).forEach(e -> sink.accept(AuditChain.jsonLine(e)));
                }
            });
        };
    }

    @Get("/verify")
    public HttpResponse<?> verify(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                  @Nullable @QueryValue("checkpoint") String checkpointLine) throws IOException {
        HttpResponse<?> refused = refusal(authorization);
        if (refused != null) {
            return refused;
        }
        Optional<Checkpoint> checkpoint = Optional.empty();
        if (checkpointLine != null) {
            try {
                checkpoint = Optional.of(Checkpoint.parse(checkpointLine));
            } catch (IllegalArgumentException e) {
                return HttpResponse.badRequest(JSON.writeValueAsString(Map.of("error", e.getMessage())))
                        .contentType(MediaType.APPLICATION_JSON_TYPE);
            }
        }
        JdbcAuditLog.Verification v = log.verification(checkpoint);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", v.ok());
        body.put("entries", v.entries());
        v.broken().ifPresent(b -> {
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("seq", b.seq());
            at.put("grant", b.grant());
            at.put("type", b.type());
            at.put("problem", b.problem());
            body.put("break", at);
        });
        return HttpResponse.ok(JSON.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** Null when the request may proceed; else the 404 (endpoints off) or 401 to answer. */
    private HttpResponse<?> refusal(String authorization) {
        return refusal(settings, authorization);
    }

    /**
     * The token rule of every export endpoint ({@code /audit/*}, {@code /activity/export}): null when the request
     * may proceed; else 404 when no token is configured (as if the endpoint did not exist) or 401.
     */
    public static HttpResponse<?> refusal(AuditSettings settings, String authorization) {
        if (!settings.endpointsEnabled()) {
            return HttpResponse.notFound();
        }
        if (!settings.admits(authorization)) {
            return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"breakglass-audit\"");
        }
        return null;
    }
}
