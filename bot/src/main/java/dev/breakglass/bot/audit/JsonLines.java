package dev.breakglass.bot.audit;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.server.types.files.StreamedFile;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * A JSON Lines export written while it is read: the one way {@code /audit/export} and {@code /activity/export}
 * answer. A failure midway (the database went away) aborts the response rather than ending it early, so a short
 * file is never mistaken for a whole one; a client that goes away stops the producer at its next line.
 */
public final class JsonLines {
    /** The JSON Lines media type. */
    public static final String NDJSON = "application/x-ndjson";

    private JsonLines() {
    }

    /**
     * Streams what {@code producer} hands its sink, one line each (without the line break), produced on
     * {@code writers}.
     *
     * @param what for the error a failed export ends with, like "the audit export"
     */
    public static HttpResponse<?> stream(ExecutorService writers, String what, Consumer<Consumer<String>> producer) {
        FailingPipe in = new FailingPipe(what);
        PipedOutputStream out;
        try {
            out = new PipedOutputStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writers.execute(() -> {
            try {
                producer.accept(line -> {
                    try {
                        out.write((Objects.requireNonNull(line) + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException io) {
                        // The client went away (the pipe is closed): stop the producer.
                        throw new UncheckedIOException(io);
                    }
                });
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

    /** A pipe whose reader sees the writer's failure as an error instead of a normal end of the export. */
    private static final class FailingPipe extends PipedInputStream {
        private final String what;
        private volatile IOException failure;

        FailingPipe(String what) {
            super(64 * 1024);
            this.what = what;
        }

        void fail(Exception e) {
            failure = new IOException(what + " failed while reading", e);
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
