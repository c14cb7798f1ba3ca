package dev.breakglass.bot.audit;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.server.types.files.StreamedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JSON Lines export written while it is read: the one way {@code /audit/export} and {@code /activity/export}
 * answer. A failure midway (the database went away) aborts the response rather than ending it early, so a short
 * file is never mistaken for a whole one; a client that goes away stops the producer at its next line.
 *
 * <p>The lines pass through a bounded queue ({@link LinePipe}), not the JDK's {@code PipedInputStream}: that pipe
 * remembers the thread that last read and fails the writer with "Read end dead" once that thread has ended, and the
 * server reads a streamed body on whichever thread is free (virtual threads that end after each read), so an
 * export larger than the pipe's buffer failed midway now and then.
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
        LinePipe pipe = new LinePipe(what);
        writers.execute(() -> {
            try {
                producer.accept(line -> pipe.put((Objects.requireNonNull(line) + "\n").getBytes(StandardCharsets.UTF_8)));
                pipe.end();
            } catch (RuntimeException e) {
                pipe.fail(e); // the reader sees an error, never a clean end of file
            }
        });
        return HttpResponse.ok(new StreamedFile(pipe, MediaType.of(NDJSON)))
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /**
     * The lines between the producer and the response: at most {@link #CAPACITY} lines wait, so a slow client slows
     * the producer instead of filling memory. Any thread may read. Closing it (the client went away) makes the next
     * {@link #put} throw, which stops the producer.
     */
    static final class LinePipe extends InputStream {
        static final int CAPACITY = 256;
        private static final byte[] END = new byte[0];
        private final String what;
        private final BlockingQueue<byte[]> lines = new ArrayBlockingQueue<>(CAPACITY);
        private volatile boolean closed;
        private volatile IOException failure;
        /** Reader side only (one reader at a time, as the server reads a body). */
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        LinePipe(String what) {
            this.what = what;
        }

        /** Adds a line, waiting while the queue is full. */
        void put(byte[] line) {
            try {
                while (!lines.offer(line, 100, TimeUnit.MILLISECONDS)) {
                    stopIfClosed();
                }
                stopIfClosed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(what + " was interrupted", e);
            }
        }

        private void stopIfClosed() {
            if (closed) {
                throw new IllegalStateException("the client of " + what + " went away");
            }
        }

        /** The producer is done: the reader sees the end once it has read every line. */
        void end() {
            put(END);
        }

        /** The producer failed: the reader sees an error instead of the rest (marked first, then woken). */
        void fail(Exception e) {
            failure = new IOException(what + " failed while reading", e);
            lines.clear(); // a producer failure may come while the queue is full: make room for the wake-up
            lines.offer(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == current.length) {
                check();
                if (ended) {
                    return -1;
                }
                try {
                    byte[] next = lines.take();
                    check();
                    if (next == END) {
                        ended = true;
                        return -1;
                    }
                    current = next;
                    position = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException(what + " was interrupted");
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        private void check() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
            closed = true;
            lines.clear(); // a producer waiting for room sees the close at its next try
        }
    }
}
