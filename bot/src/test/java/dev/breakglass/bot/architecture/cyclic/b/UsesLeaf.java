package dev.breakglass.bot.architecture.cyclic.b;

import dev.breakglass.bot.architecture.cyclic.a.Leaf;

/** Test-only: {@code b → a} one way, which is no cycle. */
public final class UsesLeaf {
    public int value() {
        return new Leaf().value();
    }
}
