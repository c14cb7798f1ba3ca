package dev.breakglass.bot.slack.outbound;

import com.google.gson.Gson;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.impl.MethodsClientImpl;
import com.slack.api.util.http.SlackHttpClient;
import com.slack.api.util.json.GsonFactory;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Slack's Web API client with one JSON parser for every answer. The SDK's client builds a new Gson for each answer it
 * reads, and with it every reflective type adapter of the answer's class again; in the benchmark's profile that was
 * 30% of the bot's CPU (docs/benchmarks.md, "One Slack parser"). Here the Gson is built once, from the same
 * configuration, and shared: Gson is safe to share between threads.
 *
 * <p>What a call returns and throws is the SDK's: the answer with its HTTP headers (keys lower-cased), a
 * {@link SlackApiException} for an HTTP error (429 with its {@code Retry-After}, which {@code SlackRetry} reads),
 * an {@link IOException} when Slack is not reached, and the SDK's response listeners run for every answer. Left
 * out: the SDK's own per-team call statistics (its metrics datastore), which the bot never reads; a test client with
 * statistics turned off behaves the same.
 */
public final class ParsedOnceMethodsClient extends MethodsClientImpl {
    private final SlackHttpClient http;
    private final Gson gson;

    public ParsedOnceMethodsClient(SlackHttpClient http, String token) {
        super(http, token);
        this.http = http;
        this.gson = GsonFactory.createSnakeCase(http.getConfig());
    }

    @Override
    protected <T extends SlackApiTextResponse> T postFormWithTokenAndParseResponse(
            FormBody.Builder form, String methodName, String token, Class<T> type)
            throws IOException, SlackApiException {
        try (Response response = runPostFormWithToken(form, methodName, token)) {
            ResponseBody content = response.body();
            String body = content == null ? "" : content.string();
            if (!response.isSuccessful()) {
                throw new SlackApiException(http.getConfig(), response, body);
            }
            try {
                T answer = gson.fromJson(body, type);
                if (answer == null) {
                    throw new IOException("Slack answered " + methodName + " with an empty body");
                }
                answer.setHttpResponseHeaders(lowerCased(response.headers()));
                return answer;
            } finally {
                http.runHttpResponseListeners(response, body);
            }
        }
    }

    private static Map<String, List<String>> lowerCased(Headers headers) {
        Map<String, List<String>> map = new HashMap<>();
        headers.toMultimap().forEach((name, values) -> map.put(name.toLowerCase(Locale.ROOT), values));
        return map;
    }
}
