package dev.breakglass.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A target's {@code step-up} rule: whose actions need a second factor (a code from an authenticator app, or a
 * plugin's factor) before they count. The requester's actions are the request, solo break glass and asking for
 * more time; the approvers' are approving a request and approving more time. Deny, cancel and revoke never need
 * it: they only take access away.
 */
public enum StepUpRule {
    /** No second factor (the demo policy's choice). */
    NONE(false, false),
    /** The requester passes step-up to request, break the glass and extend. */
    REQUESTER(true, false),
    /** Each approver passes step-up to approve a request or an extension. */
    APPROVER(false, true),
    /** Both: what production policies should use. */
    BOTH(true, true);

    private final boolean requester;
    private final boolean approver;

    StepUpRule(boolean requester, boolean approver) {
        this.requester = requester;
        this.approver = approver;
    }

    /** Whether the requester's actions need step-up. */
    public boolean requester() {
        return requester;
    }

    /** Whether approvals need step-up. */
    public boolean approver() {
        return approver;
    }

    /** The word used in the policy file: {@code none}, {@code requester}, {@code approver}, {@code both}. */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The rule for a policy word, exactly as written (lower case); empty for anything else. */
    public static Optional<StepUpRule> byPolicyName(String word) {
        return Arrays.stream(values()).filter(r -> r.policyName().equals(word)).findFirst();
    }

    /** The words, for messages: "none, requester, approver or both". */
    public static String vocabulary() {
        String all = Arrays.stream(values()).map(StepUpRule::policyName).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
