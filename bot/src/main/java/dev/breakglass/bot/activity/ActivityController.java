package dev.breakglass.bot.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.audit.ExportRequest;
import dev.breakglass.bot.audit.AuditSettings;
import dev.breakglass.bot.audit.JsonLines;
import dev.breakglass.bot.json.JsonMappers;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.ActivityLog.Recorded;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Named;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code GET /activity/export}: every stored activity as JSON Lines, in recording order, streamed; one object per
 * line with {@code seq, grant, at, actor, action, detail, source, completeness, flag, digest, recorded_at}. The
 * detail is the masked text (nothing else is stored); {@code digest} is what the audit chain's
 * {@code ActivityRecorded} entry holds, so the two exports can be matched line by line.
 *
 * <p>The token rule of {@code /audit/*}: {@code Authorization: Bearer <BREAKGLASS_AUDIT_TOKEN>}; no token configured
 * → 404; missing or wrong → 401. {@code ?grant=BG-7} (or {@code 7}) exports one grant; a bad grant → 400.
 */
@Controller("/activity")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ActivityController {
    private static final int PAGE = 500;
    private static final ObjectMapper JSON = JsonMappers.standard();

    private final AuditSettings settings;
    private final JdbcActivityLog log;
    private final ExecutorService writers;

    public ActivityController(AuditSettings settings, JdbcActivityLog log,
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
            case ExportRequest.Allowed a -> JsonLines.stream(writers, "the activity export", sink -> {
                if (a.grant().isPresent()) {
                    log.of(new GrantId(a.grant().get())).forEach(r -> sink.accept(line(r)));
                    return;
                }
                long after = 0;
                List<Recorded> page;
                do {
                    page = log.after(after, PAGE);
                    for (Recorded r : page) {
                        sink.accept(line(r));
                        after = r.seq();
                    }
                } while (page.size() == PAGE);
            });
        };
    }

    /** One stored activity as its export line. */
    static String line(Recorded r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seq", r.seq());
        o.put("grant", r.activity().grant().toString());
        o.put("at", r.activity().at().toString());
        o.put("actor", r.activity().actor());
        o.put("action", r.activity().action());
        o.put("detail", r.activity().detail());
        o.put("source", r.activity().source());
        o.put("completeness", r.activity().completeness().word());
        o.put("flag", r.flag().orElse(null));
        o.put("digest", r.activity().digest());
        o.put("recorded_at", r.recordedAt().toString());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
