package dev.breakglass.bot.architecture.cyclic.a;

/** Test-only: depends on nothing, so {@code b → a.Leaf} alone is no cycle. */
public final class Leaf {
    public int value() {
        return 1;
    }
}
