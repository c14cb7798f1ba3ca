package dev.breakglass.command;

/**
 * How far apart two words are, for "did you mean …?" hints: the command grammar's subcommands
 * ({@link CommandParser}) and the policy file's keys and event names (the bot's policy reader) use this one rule.
 *
 * <p>The rule is the optimal string alignment distance: an insertion, a deletion, a substitution and a swap of two
 * neighbouring characters each cost one ({@code "aprovers"} → {@code "approvers"} is 1, {@code "reveiwers"} →
 * {@code "reviewers"} is 1). Characters are compared as UTF-16 units, case-sensitively: callers fold case first
 * when case should not count. Either word may be empty (the distance is then the other's length).
 */
public final class EditDistance {
    private EditDistance() {
    }

    /**
     * The number of edits that turn {@code a} into {@code b}.
     *
     * @throws NullPointerException when either word is null
     */
    public static int between(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }
}
