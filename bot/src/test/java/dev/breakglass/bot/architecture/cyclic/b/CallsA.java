package dev.breakglass.bot.architecture.cyclic.b;

import dev.breakglass.bot.architecture.cyclic.a.CallsB;

/** Test-only: the other half of the deliberate cycle ({@code b → a → b}). */
public final class CallsA {
    public int value() {
        return 2;
    }

    public int back() {
        return new CallsB().viaB();
    }
}
