package dev.breakglass.bot.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged bot as a real operating-system process ({@code java -jar bot/target/breakglass-bot.jar}),
 * configured only through environment variables, as an operator would run it. {@link #kill9()} ends it with
 * SIGKILL: no shutdown hook, no graceful anything.
 */
public final class BotProcess implements AutoCloseable {
    private final Path jar;
    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private Path workDir;
    private List<String> jvmOptions = List.of("-Xmx384m");
    private Process process;

    /**
     * @param env environment for the bot (SLACK_*, BREAKGLASS_*); PORT is chosen here
     * @param log where the bot's output goes (appended across restarts)
     */
    public BotProcess(Map<String, String> env, Path log) {
        this.jar = Path.of("target", "breakglass-bot.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `mvn package`");
        }
        this.env = new HashMap<>(env);
        this.log = log;
        this.port = freePort();
        this.env.put("PORT", Integer.toString(port));
    }

    /** Runs the bot in this folder (its ./data, ./breakglass.yml, ./plugins); default: the test's own. */
    public BotProcess in(Path workDir) {
        this.workDir = workDir;
        return this;
    }

    /** JVM options instead of the default {@code -Xmx384m}, e.g. an AOT cache ({@code -XX:AOTCache=app.aot}). */
    public BotProcess jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /** The operating-system process id of the running bot. */
    public long pid() {
        return process.pid();
    }

    public BotProcess start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("SLACK_") || k.startsWith("BREAKGLASS_"));
        pb.environment().putAll(env);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits for {@code /health} to answer 200. */
    public BotProcess awaitHealthy(Duration timeout) {
        RunningBot.await(timeout, () -> process.isAlive() && healthy(), () -> "bot on port " + port + " not healthy"
                + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; log tail:\n" + tail());
        return this;
    }

    private boolean healthy() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url("/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the bot did not die");
        }
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(20));
    }

    /** SIGTERM, then SIGKILL if still running after {@code grace} (a JVM writing an AOT cache at exit needs long). */
    public void stop(Duration grace) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Ports already given to a process of this JVM: the kernel may hand a just-closed port out again. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now and not given to another process of this test run (two bots started one after the other once
     * got the same port, and the first could not start).
     */
    private static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port that this run has not used already");
    }
}
