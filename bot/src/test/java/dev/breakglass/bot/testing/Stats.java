package dev.breakglass.bot.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * p50, p99 and max of a set of measurements in milliseconds (nearest-rank percentiles).
 *
 * <p>Edge case: no measurements gives {@link #count()} 0 and every figure {@code NaN}, shown as "n/a".
 */
public record Stats(int count, double p50, double p99, double max) {

    public static Stats of(List<? extends Number> millis) {
        if (millis.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Double> sorted = new ArrayList<>(millis.stream().map(Number::doubleValue).toList());
        Collections.sort(sorted);
        return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static double rank(List<Double> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** "p50 / p99 / max" in ms. */
    public String text() {
        return count == 0 ? "n/a" : "%s / %s / %s ms".formatted(ms(p50), ms(p99), ms(max));
    }

    public static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : v < 10 ? String.format("%.1f", v) : String.format("%.0f", v);
    }
}
