package dev.breakglass.bot.bench;

import dev.breakglass.bot.sandbox.transport.BotAnswer;
import dev.breakglass.bot.sandbox.transport.HttpDelivery;
import dev.breakglass.bot.sandbox.transport.SlackDelivery;
import dev.breakglass.bot.sandbox.SlackEmulator;
import dev.breakglass.bot.testing.BotProcess;
import dev.breakglass.bot.testing.LoadCluster;
import dev.breakglass.bot.testing.RunningBot;
import dev.breakglass.bot.testing.Stats;
import dev.breakglass.bot.testing.Workflow;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark command: every figure of issue 16 measured in one run, printed as one table (and written to
 * {@code bot/target/bench/benchmark.md}). Run it with {@code mvn -B -Pbench -pl bot -am verify -DskipTests}.
 *
 * <p>System properties: {@code bench.scale} (default 1: 10,000 grants expiring over 5 minutes, 10,000 held at
 * once, 2,000 lifecycles, 5,000 measured commands; 0.1 is a quick run), {@code bench.only} (a comma list of
 * {@code start,ack,lifecycles,memory,revocation}: only those sections), {@code bench.env} ({@code NAME=value,…}:
 * settings for the bot processes, to measure a change against the defaults), {@code bench.jvm} (extra JVM options
 * for the bot processes, {@code {dir}} standing for each one's folder:
 * {@code -XX:StartFlightRecording=filename={dir}/bot.jfr}). PostgreSQL comes from {@code BREAKGLASS_TEST_PG_URL}
 * as for the tests (default 127.0.0.1:5432/test); without it the PostgreSQL rows say why they are missing.
 *
 * <p>Everything the bot does runs in the packaged jar, as separate processes, configured as an operator would
 * (environment variables). Slack is the emulator and the target is {@link dev.breakglass.bot.testing.LoadTarget}, both in this JVM, on the
 * same cores: the figures include their cost. Nothing here fails on a number; a section that breaks says so in its
 * row and the others still run.
 */
public final class Benchmark {
    private static final String SECRET = RunningBot.SIGNING_SECRET;
    private static final int SENDERS = 50;
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);
    /** The bot processes' JVM options (before {@code bench.jvm}): a heap cap, as a container would set one. */
    private static final List<String> BOT_JVM = List.of("-Xmx384m");
    /** {@code bench.env}: settings for the bot processes, {@code NAME=value,NAME=value} (to compare a change). */
    private static final Map<String, String> EXTRA_ENV = LoadCluster.settings(System.getProperty("bench.env", ""));

    private final double scale;
    private final Set<String> only;
    private final Path work;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** The machine's load average when the run began: other work on the same cores changes every figure. */
    private String loadBefore = "";
    /** Measured lifecycles per second of one process, for the scale-out factor. */
    private double lifecycleRate = 0;

    /** One line of the table. */
    record Row(String figure, String measured, String goal, String verdict) {
    }

    private Benchmark(double scale, Set<String> only, Path work) {
        this.scale = scale;
        this.only = only;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
        String onlyText = System.getProperty("bench.only", "").trim();
        Set<String> only = onlyText.isEmpty() ? Set.of("start", "ack", "lifecycles", "memory", "revocation")
                : Set.of(onlyText.split("\\s*,\\s*"));
        Path work = Files.createDirectories(Path.of("target", "bench"));
        Benchmark bench = new Benchmark(scale, only, work);
        Instant started = Instant.now();
        bench.loadBefore = loadAverage();
        bench.run();
        String table = bench.table(started);
        System.out.println();
        System.out.println(table);
        Files.writeString(work.resolve("benchmark.md"), table);
        // Quartz, HTTP clients and the emulator leave non-daemon threads behind: the table is out, so end.
        System.exit(0);
    }

    private void run() {
        section("start", this::startup);
        section("ack", this::ackLatency);
        section("lifecycles", () -> {
            lifecycles(1);
            lifecycles(2);
        });
        section("memory", this::memory);
        section("revocation", () -> {
            revocation(false, 1);
            revocation(true, 1);
            revocation(true, 2);
        });
    }

    private interface Section {
        void run() throws Exception;
    }

    private void section(String name, Section section) {
        if (!only.contains(name)) {
            return;
        }
        System.out.println("== " + name + " (" + Instant.now() + ")");
        try {
            section.run();
        } catch (Exception | AssertionError e) {
            // The other sections still run; the table says what broke.
            add(new Row(name, "failed: " + e, "", "not measured"));
            e.printStackTrace();
        }
    }

    /** Adds a row to the table and prints it at once: a long run shows what it has so far. */
    private void add(Row row) {
        rows.add(row);
        String verdict = row.verdict().isEmpty() ? "" : " (" + row.verdict() + ")";
        System.out.println("  " + row.figure() + ": " + row.measured() + verdict);
    }

    // ------------------------------------------------------------------ start-up

    /** Start to {@code /health} 200 of the jar in sandbox mode on a fresh H2 (as a newcomer runs it), then cached. */
    private void startup() throws Exception {
        List<Long> plain = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            plain.add(timeToHealthy(BOT_JVM, "start-" + i));
        }
        Path aot = work.resolve("app.aot").toAbsolutePath();
        Files.deleteIfExists(aot);
        // Training run: start, serve a little, stop; the JVM writes the cache as it exits.
        Path dir = fresh("aot-training");
        BotProcess training = new BotProcess(Map.of(), dir.resolve("bot.log")).in(dir)
                .jvmOptions(with(BOT_JVM, "-XX:AOTCacheOutput=" + aot)).start().awaitHealthy(HEALTHY_WITHIN);
        for (String path : List.of("/health", "/sandbox", "/health")) {
            get(training.url(path));
        }
        training.stop(Duration.ofMinutes(3));
        List<Long> cached = new ArrayList<>();
        if (Files.isRegularFile(aot)) {
            for (int i = 0; i < 3; i++) {
                cached.add(timeToHealthy(with(BOT_JVM, "-XX:AOTCache=" + aot), "start-aot-" + i));
            }
        } else {
            notes.add("The AOT training run wrote no cache (see " + dir.resolve("bot.log") + ").");
        }
        Collections.sort(plain);
        Collections.sort(cached);
        add(new Row("start to /health 200, jar, sandbox mode, fresh H2 (median of 3)",
                plain.get(1) + " ms (runs " + plain + ")", "< 1500 ms", verdict(plain.get(1) < 1500)));
        add(new Row("same, JDK AOT cache (-XX:AOTCache, trained once)",
                cached.isEmpty() ? "n/a" : cached.get(1) + " ms (runs " + cached + ")", "< 1500 ms",
                cached.isEmpty() ? "not measured" : verdict(cached.get(1) < 1500)));
    }

    private static List<String> with(List<String> options, String more) {
        List<String> all = new ArrayList<>(options);
        all.add(more);
        return all;
    }

    private long timeToHealthy(List<String> jvmOptions, String name) throws Exception {
        Path dir = fresh(name);
        try (BotProcess bot = new BotProcess(Map.of(), dir.resolve("bot.log")).in(dir).jvmOptions(jvmOptions)) {
            long t0 = System.nanoTime();
            bot.start().awaitHealthy(HEALTHY_WITHIN);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
    }

    // ------------------------------------------------------------------ ack latency

    /** 50 senders, warm, {@code /breakglass help|list}: the bot, then a Bolt app that only acknowledges. */
    private void ackLatency() throws Exception {
        int warm = Math.max(200, (int) (1000 * scale));
        int measured = Math.max(500, (int) (5000 * scale));
        Stats bot;
        Stats floor;
        int botErrors;
        int floorErrors;
        try (LoadCluster s = cluster(false, 1, "ack-bot")) {
            SlackDelivery slack = s.slack.httpDelivery(s.bots().get(0).url("/slack/events"), SECRET);
            load(slack, warm, new ArrayList<>());
            List<Double> millis = Collections.synchronizedList(new ArrayList<>());
            botErrors = load(slack, measured, millis);
            bot = Stats.of(millis);
        }
        try (SlackEmulator emulator = SlackEmulator.sandbox(RunningBot.BOT_TOKEN, null, Clock.systemUTC());
             FloorProcess app = new FloorProcess(emulator.apiUrl(), work.resolve("minimal-bolt.log"))) {
            SlackDelivery slack = emulator.httpDelivery(app.url("/slack/events"), SECRET);
            load(slack, warm, new ArrayList<>());
            List<Double> millis = Collections.synchronizedList(new ArrayList<>());
            floorErrors = load(slack, measured, millis);
            floor = Stats.of(millis);
        }
        String n = " (" + measured + " measured after " + warm + " warm-up, " + SENDERS + " senders)";
        add(new Row("ack latency p50/p99/max, bot, /breakglass help and list" + n, bot.text()
                + errors(botErrors), "p99 < 100 ms", verdict(bot.p99() < 100)));
        add(new Row("ack latency p50/p99/max, minimal Bolt app that only acks", floor.text() + errors(floorErrors),
                "the floor", ""));
        double ratio50 = bot.p50() / floor.p50();
        double ratio99 = bot.p99() / floor.p99();
        add(new Row("ratio bot / floor (p50, p99)", String.format(Locale.ROOT, "%.2f, %.2f", ratio50, ratio99),
                "≤ 1.25", verdict(ratio99 <= 1.25 && ratio50 <= 1.25)));
    }

    private static String errors(int errors) {
        return errors == 0 ? "" : ", " + errors + " not answered 200";
    }

    /**
     * {@code count} slash commands from {@link #SENDERS} senders, each sending its next one as soon as the last is
     * answered; the answer times go into {@code millis}. Returns how many were not answered 200.
     */
    private static int load(SlackDelivery slack, int count, List<Double> millis) throws InterruptedException {
        HttpDelivery http = (HttpDelivery) slack.transport();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        String[] users = {Workflow.ALICE, Workflow.BOB, Workflow.CAROL, Workflow.DAVE};
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            senders.add(Thread.ofPlatform().name("sender-" + t).start(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String text = i % 2 == 0 ? "help" : "list";
                    String body = HttpDelivery.formBody(fields(slack, users[i % users.length], text));
                    try {
                        BotAnswer answer = http.post("application/x-www-form-urlencoded", body);
                        if (answer.status() != 200) {
                            errors.incrementAndGet();
                        }
                        millis.add(answer.elapsed().toNanos() / 1e6);
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }
        return errors.get();
    }

    private static Map<String, String> fields(SlackDelivery slack, String user, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        slack.slashCommandPayload(SlackDelivery.DEFAULT_COMMAND, user, "C0GENERAL", text).fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    // ------------------------------------------------------------------ lifecycles

    /**
     * Full lifecycles (request → approve → provision → expire → revoke → verify) through the emulator and the
     * webhook adapter, on PostgreSQL, {@code processes} bot processes; grants last 2 s, so a lifecycle ends in
     * the scheduler's revocation path. Rate = lifecycles / (last removal verified − first request sent).
     */
    private void lifecycles(int processes) throws Exception {
        int n = Math.max(100, (int) (2000 * scale));
        try (LoadCluster s = cluster(true, processes, "lifecycles-" + processes)) {
            Traffic traffic = new Traffic(s, SENDERS);
            Instant start = Instant.now();
            List<String> ids = traffic.createGrants(n, i -> "2s");
            Duration budget = Duration.ofSeconds(Math.max(120, n / 5));
            String unfinished = s.awaitRemoved(ids.size(), budget);
            List<Instant> ends = ids.stream().map(id -> s.target.seen(id).map(x -> x.verified).orElse(null))
                    .filter(java.util.Objects::nonNull).toList();
            Instant last = ends.stream().max(Instant::compareTo).orElse(Instant.now());
            double rate = ends.size() / (Duration.between(start, last).toMillis() / 1000.0);
            if (processes == 1) {
                lifecycleRate = rate;
            }
            String extra = unfinished + s.problems(ids);
            add(new Row("full lifecycles/s, webhook target, PostgreSQL, " + processes + " process"
                    + (processes > 1 ? "es clustered" : "") + " (" + ids.size() + " lifecycles)",
                    String.format(Locale.ROOT, "%.1f /s", rate) + extra, "≥ 200 /s", verdict(rate >= 200)));
            if (processes == 2 && lifecycleRate > 0) {
                add(new Row("scale-out factor (2 processes / 1)",
                        String.format(Locale.ROOT, "%.2f", rate / lifecycleRate), "report", ""));
            }
        }
    }

    // ------------------------------------------------------------------ revocation lag

    /**
     * {@code 10,000 × scale} grants, created through Slack, whose ends are spread evenly over {@code 5 min × scale}
     * starting once they all should exist (planned from a pilot of {@code n / 50} grants, at least 20, created first
     * and left active); lag = revoke call at the target − the end the bot stored. Grants that could only be created
     * after their planned end are given 2 s and counted in the row.
     */
    private void revocation(boolean postgres, int processes) throws Exception {
        int n = Math.max(100, (int) Math.round(10_000 * scale));
        Duration window = Duration.ofMillis(Math.max(10_000, (long) (300_000 * scale)));
        String where = (postgres ? "PostgreSQL" : "H2") + ", " + processes + " process"
                + (processes > 1 ? "es clustered" : "");
        try (LoadCluster s = cluster(postgres, processes, "revocation-" + (postgres ? "pg-" : "h2-") + processes)) {
            Traffic traffic = new Traffic(s, SENDERS);
            // The window starts once the grants should all exist, planned from the rate at which this very run
            // created a pilot of grants (an hour each, not measured: they stay active through the window), with a
            // margin, but no later than 30 min from now: grants requested after their planned end get 2 s and are
            // counted. Ends that overlap the creation of the others would measure the creation's load too.
            int pilot = Math.max(20, n / 50);
            Instant pilotStart = Instant.now();
            new Traffic(s, SENDERS).createGrants(pilot, i -> "1h"); // its own: a Traffic follows cards once
            double rate = pilot / Math.max(0.001, Duration.between(pilotStart, Instant.now()).toMillis() / 1000.0);
            long lead = Math.min((long) (n / rate * 1.3) + 20, 1800);
            notes.add(String.format(Locale.ROOT, "%s: a pilot of %d grants was created at %.1f /s; the window started"
                    + " %d s after it.", where, pilot, rate, lead));
            Instant first = Instant.now().plusSeconds(lead);
            AtomicInteger late = new AtomicInteger();
            List<String> ids = traffic.createGrants(n, i -> {
                Instant planned = first.plusMillis(window.toMillis() * i / n);
                long seconds = (long) Math.ceil(Duration.between(Instant.now(), planned).toMillis() / 1000.0);
                if (seconds < 2) {
                    late.incrementAndGet();
                }
                return Math.max(2, seconds) + "s";
            });
            // Provisioning trails the approvals.
            try {
                RunningBot.await(Duration.ofMinutes(5), () -> s.target.granted() >= ids.size(), () -> "");
            } catch (AssertionError e) {
                notes.add(where + ": " + s.target.granted() + " of " + ids.size() + " provisioned 5 min after the last"
                        + " approval.");
            }
            Duration untilDone = Duration.between(Instant.now(), first.plus(window)).plusMinutes(2);
            String unfinished = s.awaitRemoved(ids.size(), untilDone.isNegative() ? Duration.ofMinutes(2) : untilDone);
            if (!postgres) {
                s.stopBots(); // H2 lets one process at a time open the database the ends are read from
            }
            Stats lag = Stats.of(s.target.lagsMillis(ids, s.storedEnds()));
            String extra = unfinished + s.problems(ids) + (late.get() > 0 ? ", " + late.get()
                    + " created after their planned end"
                    + " (2 s grants)" : "");
            add(new Row("revocation lag p50/p99/max, " + where + " (" + ids.size() + " grants ending over "
                    + window.toSeconds() + " s)", lag.text() + extra, "p99 < 250 ms", verdict(lag.p99() < 250)));
        }
    }

    // ------------------------------------------------------------------ memory

    /**
     * Resident memory with {@code 10,000 × scale} grants active at once: created through Slack on H2 (one process,
     * {@link #BOT_JVM}), each for an hour so that none ends during the run, and read once all are provisioned and the
     * relay has told everyone: VmRSS (what the machine gives the process), then the heap still in use after a full
     * collection ({@code jcmd GC.heap_info}: what the bot holds, grants included, apart from what the JVM keeps).
     */
    private void memory() throws Exception {
        int n = Math.max(100, (int) Math.round(10_000 * scale));
        try (LoadCluster s = cluster(false, 1, "memory")) {
            List<String> ids = new Traffic(s, SENDERS).createGrants(n, i -> "1h");
            RunningBot.await(Duration.ofMinutes(10), () -> s.target.granted() >= ids.size(),
                    () -> s.target.granted() + " of " + ids.size() + " provisioned");
            long pid = s.bots().get(0).pid();
            Thread.sleep(10_000); // the relay's last deliveries, and the collections a quiet moment brings
            long rss = rssKib(pid);
            int active = s.target.granted() - s.target.removed();
            String heap = usedHeapAfterFullGc(pid);
            add(new Row("resident memory (RSS), H2, " + active + " active grants, " + botJvmText(),
                    rss / 1024 + " MB (heap in use after a full collection: " + heap + ")",
                    "< 384 MB (10,000 grants)", active < 10_000 ? "not measured at 10,000" : verdict(rss / 1024 < 384)));
        }
    }

    /** The bot processes' JVM options as given: {@link #BOT_JVM}, then {@code bench.jvm}. */
    private static String botJvmText() {
        String extra = System.getProperty("bench.jvm", "").trim();
        return String.join(" ", BOT_JVM) + (extra.isEmpty() ? "" : " " + extra);
    }

    /** "N MB" of heap in use after {@code jcmd GC.run}, read from {@code GC.heap_info}; "n/a" when jcmd fails. */
    private static String usedHeapAfterFullGc(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            run(jcmd.toString(), Long.toString(pid), "GC.run");
            long used = heapInUseKib(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
            return used < 0 ? "n/a" : used / 1024 + " MB";
        } catch (IOException e) {
            return "n/a (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "n/a";
        }
    }

    /**
     * The heap in use in {@code GC.heap_info}'s text, KiB: the sum of "used" over the lines with a "total" — G1's one
     * heap line, or each generation of Serial ({@code DefNew}, {@code Tenured}; older JDKs name them
     * {@code def new generation}, {@code tenured generation}) — never Metaspace's or class space's; -1 when there is
     * no such line. The spaces inside a generation (eden, from, to) have no "total" and are not counted twice.
     */
    static long heapInUseKib(String info) {
        var line = java.util.regex.Pattern.compile(
                "(?m)^(?!\\s*(?:Metaspace|class space)).*\\btotal\\b.*?\\bused (\\d+)K").matcher(info);
        long sum = -1;
        while (line.find()) {
            sum = Math.max(sum, 0) + Long.parseLong(line.group(1));
        }
        return sum;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    // ------------------------------------------------------------------ the parts

    /**
     * The emulator, the webhook target, a database and {@code processes} bot processes on it, all healthy, with the
     * run's {@code bench.env} and {@code bench.jvm}; files in a fresh folder {@code name}.
     */
    private LoadCluster cluster(boolean postgres, int processes, String name) throws IOException {
        return LoadCluster.builder(fresh(name)).name("bench").postgres(postgres).processes(processes)
                .policy(target -> Workflow.policy(target.url(), "bench-webhook-secret")
                        .replace("requests-per-hour: 1000", "requests-per-hour: 1000000")
                        .replace("max-duration: 1h", "max-duration: 4h").replace("min-duration: 2s", "min-duration: 1s"))
                .env(EXTRA_ENV)
                .jvmOptions(home -> LoadCluster.jvmOptions(BOT_JVM, System.getProperty("bench.jvm", ""), home))
                .start();
    }

    /** The minimal Bolt app ({@link MinimalBoltApp}) as its own process on this JVM's class path. */
    static final class FloorProcess implements AutoCloseable {
        private final Process process;
        private final int port;

        FloorProcess(String apiUrl, Path log) throws Exception {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                    MinimalBoltApp.class.getName(), Integer.toString(port), SECRET, apiUrl)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("SLACK_BOT_TOKEN", RunningBot.BOT_TOKEN);
            process = pb.start();
            RunningBot.await(HEALTHY_WITHIN, () -> process.isAlive() && get(url("/health")) == 200,
                    () -> "the minimal Bolt app did not start; see " + log);
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    // ------------------------------------------------------------------ output

    private String table(Instant started) {
        StringBuilder out = new StringBuilder();
        Runtime rt = Runtime.getRuntime();
        out.append("Breakglass benchmark, ").append(DateTimeFormatter.ISO_INSTANT.format(
                started.atOffset(ZoneOffset.UTC).withNano(0).toInstant())).append(" (took ")
                .append(Duration.between(started, Instant.now()).toMinutes()).append(" min)\n\n");
        out.append("- machine: ").append(rt.availableProcessors()).append(" cores, ").append(memTotal())
                .append(" RAM, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.arch"))
                .append('\n');
        out.append("- JDK: ").append(System.getProperty("java.vm.vendor")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- load average (1, 5, 15 min) at the start: ").append(loadBefore).append(", at the end: ")
                .append(loadAverage()).append(" (other work on the same cores slows every figure)\n");
        out.append("- bot settings beyond the defaults (bench.env): ").append(EXTRA_ENV.isEmpty() ? "none" : EXTRA_ENV)
                .append('\n');
        out.append("- bot JVM options: ").append(botJvmText()).append('\n');
        out.append("- scale: ").append(scale).append(" (bench.scale; 1 = the issue's sizes)\n\n");
        out.append("| figure | measured | goal | verdict |\n| --- | --- | --- | --- |\n");
        for (Row r : rows) {
            out.append("| ").append(r.figure()).append(" | ").append(r.measured()).append(" | ").append(r.goal())
                    .append(" | ").append(r.verdict()).append(" |\n");
        }
        notes.forEach(n -> out.append("\n").append(n).append('\n'));
        return out.toString();
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: say so below
        }
        return "unknown";
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "missed";
    }

    private Path fresh(String name) throws IOException {
        Path dir = work.resolve(name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static int get(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
