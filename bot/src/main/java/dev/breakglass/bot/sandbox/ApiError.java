package dev.breakglass.bot.sandbox;

import java.util.List;

/** A Web API error: answered as {@code {"ok":false,"error":…}} with optional {@code response_metadata.messages}. */
final class ApiError extends RuntimeException {
    final String error;
    final List<String> messages;

    ApiError(String error) {
        this(error, List.of());
    }

    ApiError(String error, List<String> messages) {
        super(error, null, false, false);
        this.error = error;
        this.messages = List.copyOf(messages);
    }
}
