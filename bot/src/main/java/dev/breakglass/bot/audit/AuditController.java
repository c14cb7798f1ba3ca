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
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Named;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    public static final String NDJSON = "application/x-ndjson";
    private static final Pattern GRANT = Pattern.compile("(?:BG-)?([1-9][0-9]{0,17})", Pattern.CASE_INSENSITIVE);
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
        HttpResponse<?> refused = refusal(authorization);
        if (refused != null) {
            return refused;
        }
        Long grantNo = null;
        if (grant != null) {
            Matcher m = GRANT.matcher(grant.strip());
            if (!m.matches()) {
                return HttpResponse.badRequest("{\"error\":\"grant must look like BG-7\"}")
                        .contentType(MediaType.APPLICATION_JSON_TYPE);
            }
            grantNo = Long.parseLong(m.group(1));
        }
        FailingPipe in = new FailingPipe();
        PipedOutputStream out;
        try {
            out = new PipedOutputStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Long only = grantNo;
        writers.execute(() -> {
            try {
                java.util.function.Consumer<AuditEntry> write = e -> {
                    try {
                        out.write((AuditChain.jsonLine(e) + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException io) {
                        // The client went away (the pipe is closed): stop reading the log.
                        throw new UncheckedIOException(io);
                    }
                };
                if (only == null) {
                    log.each(write);
                } else {
                    log.forGrant(only).forEach(write);
                }
                out.close();
            } catch (RuntimeException | IOException e) {
                // Mark the failure before closing, so the reader never sees a clean end of file.
                in.fail(e);
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the reader is gone or will see the failure
                }
            }
        });
        return HttpResponse.ok(new StreamedFile(in, MediaType.of(NDJSON)))
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
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
        if (!settings.endpointsEnabled()) {
            return HttpResponse.notFound();
        }
        if (!settings.admits(authorization)) {
            return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"breakglass-audit\"");
        }
        return null;
    }

    /** A pipe whose reader sees the writer's failure as an error instead of a normal end of the export. */
    private static final class FailingPipe extends PipedInputStream {
        private volatile IOException failure;

        FailingPipe() {
            super(64 * 1024);
        }

        void fail(Exception e) {
            failure = new IOException("the audit export failed while reading the log", e);
        }

        @Override
        public synchronized int read() throws IOException {
            check();
            int b = super.read();
            if (b < 0) {
                check();
            }
            return b;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            check();
            int n = super.read(b, off, len);
            if (n < 0) {
                check();
            }
            return n;
        }

        private void check() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
