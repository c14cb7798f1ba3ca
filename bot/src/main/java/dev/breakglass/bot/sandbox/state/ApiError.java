package dev.breakglass.bot.sandbox.state;

import java.util.List;

/** A Web API error: answered as {@code {"ok":false,"error":…}} with optional {@code response_metadata.messages}. */
public final class ApiError extends RuntimeException {
    public final String error;
    public final List<String> messages;

    public ApiError(String error) {
        this(error, List.of());
    }

    public ApiError(String error, List<String> messages) {
        super(error, null, false, false);
        this.error = error;
        this.messages = List.copyOf(messages);
    }
}
