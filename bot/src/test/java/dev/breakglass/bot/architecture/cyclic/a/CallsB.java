package dev.breakglass.bot.architecture.cyclic.a;

import dev.breakglass.bot.architecture.cyclic.b.CallsA;

/** Test-only: one half of a deliberate package cycle ({@code a → b → a}) that {@code ArchitectureTest} must refuse. */
public final class CallsB {
    public int viaB() {
        return new CallsA().value();
    }
}
