package dev.breakglass.bot.audit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JsonLines.LinePipe}: read from any thread, a failure is never a clean end, a closed pipe stops the writer. */
class LinePipeTest {
    private static final int LINES = JsonLines.LinePipe.CAPACITY * 8;

    private static byte[] line(int i) {
        return ("{\"seq\":" + i + "}\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyLineArrivesInOrderWhenEachReadRunsOnAThreadThatThenEnds() throws Exception {
        JsonLines.LinePipe pipe = new JsonLines.LinePipe("the test export");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < LINES; i++) {
                pipe.put(line(i));
            }
            pipe.end();
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[1000];
        int n;
        do {
            // As the server reads a streamed body: each read on a fresh (virtual) thread that ends after it.
            int[] read = new int[1];
            IOException[] failed = new IOException[1];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    read[0] = pipe.read(buffer, 0, buffer.length);
                } catch (IOException e) {
                    failed[0] = e;
                }
            });
            reader.join();
            if (failed[0] != null) {
                throw failed[0];
            }
            n = read[0];
            if (n > 0) {
                got.write(buffer, 0, n);
            }
        } while (n >= 0);
        writer.get(10, TimeUnit.SECONDS);

        String[] lines = got.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(LINES, lines.length, "more lines than the pipe holds, none lost");
        for (int i = 0; i < LINES; i++) {
            assertEquals("{\"seq\":" + i + "}", lines[i]);
        }
    }

    @Test
    void aFailureMidwayIsAnErrorNotAnEndOfFile() throws Exception {
        JsonLines.LinePipe pipe = new JsonLines.LinePipe("the test export");
        pipe.put(line(1));
        pipe.fail(new IllegalStateException("the database went away"));

        IOException e = assertThrows(IOException.class, () -> pipe.readAllBytes());
        assertTrue(e.getMessage().contains("the test export failed while reading"), e.getMessage());
    }

    @Test
    void aClientThatGoesAwayStopsTheWriterWaitingForRoom() throws Exception {
        JsonLines.LinePipe pipe = new JsonLines.LinePipe("the test export");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < LINES; i++) {
                pipe.put(line(i)); // blocks once the pipe is full: nobody reads
            }
        });
        Thread.sleep(200);

        pipe.close();

        var stopped = assertThrows(java.util.concurrent.ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
        assertTrue(stopped.getCause().getMessage().contains("went away"), stopped.getCause().getMessage());
    }
}
