package dev.breakglass.grant;

import java.time.Instant;
import java.util.Objects;

/** A reviewer accepted the written post-mortem; the grant is then REVIEWED. */
public record SignOff(String by, Instant at) {
    public SignOff {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
    }
}
