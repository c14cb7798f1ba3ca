package dev.breakglass.bot.adapter.sshcert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import dev.breakglass.activity.Activity;
import dev.breakglass.activity.Completeness;
import dev.breakglass.bot.adapter.ActivityReads;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.bot.outbound.WebhookSignature;
import dev.breakglass.port.ActivitySource;
import dev.breakglass.port.Provisioned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Activity on a real sshd: the logins and logouts of a grant's certificate read from sshd's log through the
 * adapter's {@code ActivitySource}, and the commands of its sessions sent by the shipped recorder
 * ({@code deploy/recorder/breakglass-recorder} as the sshd {@code ForceCommand}) to a small receiver that checks
 * each post with the project's own signing code. Skipped without sshd, unless BREAKGLASS_TEST_SSHD_REQUIRED=true.
 */
class SshCertActivityTest {
    private static final String SECRET = "recorder-test-shared-value";
    @TempDir
    static Path caDir;
    private static Path ca;

    @TempDir
    Path dir;
    private Path krl;
    private Path work;
    private TestSshd sshd;
    private HttpServer receiver;
    private final List<Posted> posted = new CopyOnWriteArrayList<>();

    /** One post the receiver took: its body, and whether the signature and timestamp held. */
    private record Posted(JsonNode body, boolean signed) {
    }

    @BeforeAll
    static void createCa() {
        ca = SshTools.newCa(caDir, "ca", "");
    }

    @BeforeEach
    void start() throws IOException {
        TestSshd.require();
        krl = dir.resolve("revoked.krl");
        work = Files.createDirectory(dir.resolve("work"));
    }

    @AfterEach
    void stop() {
        if (sshd != null) {
            sshd.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void theLoginsAndLogoutsOfTheGrantsCertificateComeFromSshdsLog() throws Exception {
        adapter(Map.of()); // makes the KRL sshd reads from its first login
        sshd = TestSshd.start(dir, Path.of(ca + ".pub"), krl, List.of());
        SshCertAdapter adapter = adapter(Map.of("activity-log", sshd.logFile().toString()));
        Provisioned mine = adapter.grant(SshTools.request(7, Optional.empty(), Instant.now().plusSeconds(600)));
        Provisioned other = adapter.grant(SshTools.request(8, Optional.empty(), Instant.now().plusSeconds(600)));
        SshTools.Output in = SshTools.run(sshd.ssh(save(mine, "bg-7").key(), save(mine, "bg-7").cert(), "true"));
        assertEquals(0, in.exit(), in.text() + sshd.log());
        assertEquals(0, SshTools.run(sshd.ssh(save(other, "bg-8").key(), save(other, "bg-8").cert(), "true")).exit());
        ActivitySource source = adapter.activity().orElseThrow();
        assertEquals(Completeness.COMPLETE, source.completeness());

        ActivitySource.Page page = ActivityReads.until(source, mine.withoutCredentials(), Optional.empty(),
                p -> p.activities().stream().anyMatch(a -> a.action().equals("logout")));

        assertEquals(List.of("login", "session", "logout"), page.activities().stream().map(Activity::action).toList());
        Activity login = page.activities().get(0);
        assertEquals("root", login.actor());
        assertEquals("sshd-log", login.source());
        assertTrue(login.detail().matches("from 127\\.0\\.0\\.1 port \\d+, certificate breakglass:BG-7:U0ALICE "
                + "\\(serial 7\\)"), login.detail());
        assertEquals("command from 127.0.0.1 port " + login.detail().replaceAll(".* port (\\d+),.*", "$1"),
                page.activities().get(1).detail());
        // A restarted bot resumes from the stored position: nothing twice.
        assertEquals(List.of(), adapter(Map.of("activity-log", sshd.logFile().toString())).activity().orElseThrow()
                .read(mine.withoutCredentials(), Optional.of(page.position())).activities());
        assertTrue(adapter(Map.of()).activity().isEmpty(), "no activity-log, no capture");

        // The same lines as a central syslog file has them, from two hosts: each line's time and host are kept.
        StringBuilder syslog = new StringBuilder();
        for (String line : sshd.log().lines().toList()) {
            syslog.append("2026-12-03T08:20:00.250000+00:00 web-1 sshd[4242]: ").append(line).append('\n');
            syslog.append("Dec  3 08:21:00 web-2 sshd[77]: ").append(line).append('\n');
        }
        Path central = Files.writeString(dir.resolve("auth.log"), syslog);
        List<Activity> fromSyslog = adapter(Map.of("activity-log", central.toString())).activity().orElseThrow()
                .read(mine.withoutCredentials(), Optional.empty()).activities();
        assertEquals(List.of("root@web-1 login", "root@web-2 login", "root@web-1 session", "root@web-2 session",
                "root@web-1 logout", "root@web-2 logout"), fromSyslog.stream().map(a -> a.actor() + " " + a.action())
                .toList());
        assertEquals(Instant.parse("2026-12-03T08:20:00.250Z"), fromSyslog.get(0).at());
        Instant bsd = java.time.LocalDateTime.of(Instant.now().atZone(java.time.ZoneOffset.UTC).getYear(), 12, 3, 8,
                21).toInstant(java.time.ZoneOffset.UTC);
        // This year's 3 December, or last year's while that is still ahead (a December line read in January).
        Instant expected = bsd.isAfter(Instant.now().plus(Duration.ofDays(1)))
                ? bsd.atZone(java.time.ZoneOffset.UTC).minusYears(1).toInstant() : bsd;
        assertEquals(expected, fromSyslog.get(1).at(), "BSD times in the bot's zone (UTC)");
    }

    @Test
    void theRecorderSendsEachCommandSignedAndTheSessionGoesOn() throws Exception {
        startReceiver();
        Path conf = recorderConfig(receiverUrl());
        adapter(Map.of());
        sshd = TestSshd.start(dir, Path.of(ca + ".pub"), krl, List.of("ForceCommand " + recorder() + " --config "
                + conf));
        Provisioned p = adapter(Map.of()).grant(SshTools.request(9, Optional.empty(), Instant.now().plusSeconds(600)));
        Saved s = save(p, "bg-9");

        SshTools.Output out = SshTools.run(sshd.ssh(s.key(), s.cert(), "echo hello; uname -s >/dev/null"));
        assertEquals(0, out.exit(), out.text() + sshd.log());
        assertEquals("hello", out.text().strip());
        Output shell = interactive(s, "echo \"from the shell\"\nls /no-such-dir\nexit\n");
        assertTrue(shell.text().contains("from the shell"), shell.text());

        awaitPosts(3);
        List<String> details = posted.stream().map(x -> x.body().get("detail").asText()).toList();
        assertEquals(List.of("echo hello; uname -s >/dev/null", "echo \"from the shell\"", "ls /no-such-dir"),
                details);
        for (Posted x : posted) {
            assertTrue(x.signed(), "signed with the shared secret: " + x.body());
            assertEquals(List.of("grant_id", "at", "actor", "action", "detail"), fields(x.body()));
            assertEquals("BG-9", x.body().get("grant_id").asText());
            assertEquals("root", x.body().get("actor").asText());
            assertEquals("command", x.body().get("action").asText());
            Instant at = Instant.parse(x.body().get("at").asText());
            assertTrue(Duration.between(at, Instant.now()).abs().toSeconds() < 60, at.toString());
        }
    }

    /**
     * The acceptance line end to end: the recorder posts to a running bot's {@code POST /activity}, and the commands
     * appear in the thread under the grant's card. The bot's grant BG-1 is on a sandbox target; the certificate is
     * issued for the same grant id by an adapter of the test's own CA (the bot's grant and the login agree on the id,
     * which is all the endpoint checks).
     */
    @Test
    void theRecordersCommandsReachTheRunningBotsThread() throws Exception {
        String policy = "channels:\n  approvals: C0APPROVALS\n  notify: [C0MGMT]\n"
                + "targets:\n  web-1:\n    adapter: sandbox\n    max-duration: 1h\n    requesters: [U0ALICE]\n"
                + "    approvers: [U0BOB]\n";
        try (dev.breakglass.bot.testing.RunningBot bot = dev.breakglass.bot.testing.RunningBot.builder().policy(policy)
                .property("breakglass.activity.secret", SECRET).start().awaitHealthy(Duration.ofSeconds(30))) {
            dev.breakglass.bot.testing.Workflow flow = new dev.breakglass.bot.testing.Workflow(bot);
            dev.breakglass.grant.GrantId id = flow.activeGrant("U0ALICE", "U0BOB",
                    "web-1 30m INC-42: the web tier is down, need a shell");
            Path conf = recorderConfig(bot.url("/activity").toString());
            sshd = TestSshd.start(dir, Path.of(ca + ".pub"), krl, List.of("ForceCommand " + recorder() + " --config "
                    + conf));
            Provisioned p = adapter(Map.of()).grant(SshTools.request(id.value(), Optional.empty(),
                    Instant.now().plusSeconds(600)));
            Saved saved = save(p, "bg-" + id.value());

            SshTools.Output out = SshTools.run(sshd.ssh(saved.key(), saved.cert(), "echo recorded-by-the-bot"));
            assertEquals(0, out.exit(), out.text() + sshd.log());
            Output shell = interactive(saved, "echo \"typed in a shell\"\nexit\n");
            assertTrue(shell.text().contains("typed in a shell"), shell.text());

            dev.breakglass.bot.testing.RunningBot.await(dev.breakglass.bot.testing.Workflow.WAIT,
                    () -> flow.threadText(id).contains("echo recorded-by-the-bot")
                            && flow.threadText(id).contains("echo \"typed in a shell\""),
                    () -> "the thread of " + id + ":\n" + flow.threadText(id) + "\nspooled: " + spooledOrUnknown());
            assertTrue(flow.threadText(id).contains("*command* root"), flow.threadText(id));
        }
    }

    @Test
    void anUnreachableBotDelaysTheCommandsNotTheSession() throws Exception {
        // A bot that takes the connection and never answers, and posts allowed 120 s: a recorder that sent before
        // the session went on would hold the session that long; the bound below is far from both that and a slow
        // machine's ssh start.
        ServerSocket hanging = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Path conf = recorderConfig("http://127.0.0.1:" + hanging.getLocalPort() + "/activity");
        Files.writeString(conf, "timeout=120\n", java.nio.file.StandardOpenOption.APPEND);
        adapter(Map.of());
        sshd = TestSshd.start(dir, Path.of(ca + ".pub"), krl, List.of("ForceCommand " + recorder() + " --config "
                + conf));
        Saved s = save(adapter(Map.of()).grant(SshTools.request(10, Optional.empty(),
                Instant.now().plusSeconds(600))), "bg-10");

        long started = System.nanoTime();
        SshTools.Output out = SshTools.run(sshd.ssh(s.key(), s.cert(), "echo while the bot is down"));
        assertEquals("while the bot is down", out.text().strip(), out.text() + sshd.log());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), "the session did not wait");
        hanging.close(); // the pending post fails now: the event stays spooled
        awaitSpooled(1);

        startReceiver();
        recorderConfig(receiverUrl());
        SshTools.run(sshd.ssh(s.key(), s.cert(), "echo back up"));

        awaitPosts(2);
        assertEquals(List.of("echo while the bot is down", "echo back up"),
                posted.stream().map(x -> x.body().get("detail").asText()).toList(), "kept, then sent in order");
        assertTrue(posted.stream().allMatch(Posted::signed));
        awaitSpooled(0);
    }

    private void startReceiver() throws IOException {
        WebhookSignature signature = new WebhookSignature(SECRET);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/activity", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String ts = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
            String sig = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
            boolean signed = ts != null && sig != null && ts.matches("\\d{1,12}")
                    && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) <= 300
                    && MessageDigest.isEqual(signature.sign(Long.parseLong(ts), body).getBytes(StandardCharsets.UTF_8),
                    sig.getBytes(StandardCharsets.UTF_8));
            posted.add(new Posted(JsonMapper.builder().build().readTree(body), signed));
            exchange.sendResponseHeaders(signed ? 204 : 401, -1);
            exchange.close();
        });
        receiver.start();
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/activity";
    }

    private Path recorderConfig(String url) throws IOException {
        Path secret = Files.writeString(dir.resolve("recorder.secret"), SECRET + "\n");
        return Files.writeString(dir.resolve("recorder.conf"), "url=" + url + "\nsecret_file=" + secret + "\nspool="
                + dir.resolve("spool") + "\n");
    }

    private void awaitPosts(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (posted.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(300); // and no more than n
        assertEquals(n, posted.size(), posted.toString());
    }

    private void awaitSpooled(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (spooled() != n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(n, spooled());
    }

    private String spooledOrUnknown() {
        try {
            return Long.toString(spooled());
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private long spooled() throws IOException {
        Path spool = dir.resolve("spool");
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (var files = Files.list(spool)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    /** What a program printed, for an interactive session fed {@code input}. */
    private record Output(int exit, String text) {
    }

    private Output interactive(Saved s, String input) throws Exception {
        List<String> command = new ArrayList<>(sshd.ssh(s.key(), s.cert(), ""));
        command.remove(command.size() - 1); // no remote command: a shell
        command.add(1, "-tt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The shipped recorder: {@code deploy/recorder/breakglass-recorder} in the repository. */
    private static Path recorder() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path script = d.resolve("deploy/recorder/breakglass-recorder");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new AssertionError("deploy/recorder/breakglass-recorder not found above " + Path.of("").toAbsolutePath());
    }

    private record Saved(Path key, Path cert) {
    }

    private Saved save(Provisioned p, String name) throws IOException {
        Path key = dir.resolve(name);
        if (!Files.exists(key)) {
            Map<String, String> fields = p.credentials().orElseThrow().fields();
            SshTools.writePrivate(key, fields.get("private key"));
            Files.writeString(dir.resolve(name + "-cert.pub"), fields.get("certificate") + "\n");
        }
        return new Saved(key, dir.resolve(name + "-cert.pub"));
    }

    private SshCertAdapter adapter(Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("ca-key", ca.toString(), "krl", krl.toString(),
                "principals", List.of("root"), "host", "127.0.0.1"));
        settings.putAll(extra);
        return new SshCertAdapterFactory(Clock.systemUTC(), EnvironmentVariables.of(Map.of()), "ssh-keygen", work)
                .create("prod-ssh", settings);
    }
}
