package dev.breakglass.bot;

import dev.breakglass.bot.config.BearerToken;
import dev.breakglass.bot.testing.RunningBot;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code /metrics}: loopback clients only without a token, a bearer token from anywhere with one. */
class MetricsAccessTest {
    private static final String TOKEN = "metrics-token-0123456789abcdef";

    /** An address of this machine that is not loopback: a request to it comes from a remote-looking client. */
    private static Optional<InetAddress> outsideAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static HttpResponse<String> scrape(RunningBot bot, InetAddress via, String authorization)
            throws Exception {
        URI uri = URI.create("http://" + via.getHostAddress() + ":" + bot.url("/").getPort() + "/metrics");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenOnlyThisMachineMayScrape() throws Exception {
        Optional<InetAddress> outside = outsideAddress();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to call from");
        try (RunningBot bot = RunningBot.overHttp()) {
            assertEquals(200, scrape(bot, InetAddress.getLoopbackAddress(), null).statusCode());
            HttpResponse<String> remote = scrape(bot, outside.get(), null);
            assertEquals(403, remote.statusCode(), remote.body());
            assertTrue(remote.body().contains("BREAKGLASS_METRICS_TOKEN"), remote.body());
            assertTrue(!remote.body().contains("breakglass_"), "no metric leaks into the refusal");
        }
    }

    @Test
    void withATokenAnyClientThatSendsItMayScrape() throws Exception {
        Optional<InetAddress> outside = outsideAddress();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to call from");
        try (RunningBot bot = RunningBot.builder().property("breakglass.metrics.token", TOKEN).start()) {
            assertEquals(401, scrape(bot, outside.get(), null).statusCode());
            assertEquals(401, scrape(bot, InetAddress.getLoopbackAddress(), "Bearer wrong-0123456789abcdef")
                    .statusCode(), "with a token, loopback needs it too");
            HttpResponse<String> ok = scrape(bot, outside.get(), "Bearer " + TOKEN);
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("# TYPE"), ok.body());
        }
    }

    @Test
    void theDecisionForEachKindOfClient() throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 40000);
        InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("::1"), 40000);
        assertEquals(403, MetricsController.refusal(Optional.empty(), remote, null).orElseThrow().code());
        assertTrue(MetricsController.refusal(Optional.empty(), local, null).isEmpty());
        Optional<BearerToken> token = BearerToken.of("BREAKGLASS_METRICS_TOKEN", TOKEN);
        assertEquals(401, MetricsController.refusal(token, remote, "Basic " + TOKEN).orElseThrow().code());
        assertTrue(MetricsController.refusal(token, remote, "Bearer " + TOKEN).isEmpty());
    }
}
