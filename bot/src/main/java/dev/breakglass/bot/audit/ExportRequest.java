package dev.breakglass.bot.audit;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request to an export endpoint ({@code /audit/export}, {@code /activity/export}) once its token and its
 * {@code ?grant=} are checked: the grant it asks for (empty: all of them), or the answer that refuses it.
 *
 * <p>Edge cases: the token rule comes first ({@link AuditController#refusal}: 404 when no token is configured, 401
 * when it is missing or wrong), so a caller without the token learns nothing about its parameters; {@code ?grant=}
 * takes {@code BG-7} or {@code 7} (any case, blanks around it ignored); anything else is a 400 with a JSON error.
 */
public sealed interface ExportRequest {
    /** @param answer the 404, 401 or 400 to send */
    record Refused(HttpResponse<?> answer) implements ExportRequest {
    }

    /** @param grant the number of the one grant asked for; empty for every grant */
    record Allowed(Optional<Long> grant) implements ExportRequest {
    }

    /** Checks the token ({@code Authorization} header) and the {@code ?grant=} parameter, which may be null. */
    static ExportRequest of(AuditSettings settings, String authorization, String grant) {
        HttpResponse<?> refused = AuditController.refusal(settings, authorization);
        if (refused != null) {
            return new Refused(refused);
        }
        if (grant == null) {
            return new Allowed(Optional.empty());
        }
        Matcher m = Grant.PATTERN.matcher(grant.strip());
        if (!m.matches()) {
            return new Refused(HttpResponse.badRequest("{\"error\":\"grant must look like BG-7\"}")
                    .contentType(MediaType.APPLICATION_JSON_TYPE));
        }
        return new Allowed(Optional.of(Long.parseLong(m.group(1))));
    }

    /** The shape of {@code ?grant=}. */
    final class Grant {
        static final Pattern PATTERN = Pattern.compile("(?:BG-)?([1-9][0-9]{0,17})", Pattern.CASE_INSENSITIVE);

        private Grant() {
        }
    }
}
