package dev.breakglass.bot.bench;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * The framework's floor: a Bolt for Java app whose only handler acknowledges {@code /breakglass} with a short
 * ephemeral text, served by the JDK's HTTP server. Bolt checks the Slack signature itself (its own middleware) and
 * calls {@code auth.test} on the emulator as the bot does. Run as its own process by {@link Benchmark}:
 * {@code MinimalBoltApp <port> <signing secret> <Web API url>}; the bot token comes from {@code SLACK_BOT_TOKEN}.
 */
public final class MinimalBoltApp {
    private MinimalBoltApp() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        SlackConfig slackConfig = new SlackConfig();
        slackConfig.setMethodsEndpointUrlPrefix(args[2]);
        App app = new App(AppConfig.builder().slack(Slack.getInstance(slackConfig))
                .singleTeamBotToken(System.getenv("SLACK_BOT_TOKEN")).signingSecret(args[1]).build());
        app.command("/breakglass", (req, ctx) -> ctx.ack(r -> r.responseType("ephemeral").text("ok")));
        SlackRequestParser parser = new SlackRequestParser(app.config());

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        // Bolt's handlers may block (on Slack's HTTP client): one thread per request, as a servlet container would.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/slack/events", exchange -> serve(app, parser, exchange));
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    private static void serve(App app, SlackRequestParser parser, HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            Request<?> request = parser.parse(SlackRequestParser.HttpRequest.builder()
                    .requestUri(exchange.getRequestURI().getPath()).queryString(Map.of())
                    .headers(new RequestHeaders(headers)).requestBody(body)
                    .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress()).build());
            Response response = app.run(request);
            byte[] out = response.getBody() == null ? new byte[0] : response.getBody().getBytes(StandardCharsets.UTF_8);
            if (response.getContentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", response.getContentType());
            }
            exchange.sendResponseHeaders(response.getStatusCode(), out.length == 0 ? -1 : out.length);
            exchange.getResponseBody().write(out);
        } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }
}
