package dev.breakglass.policy;

import dev.breakglass.grant.Grant;
import dev.breakglass.grant.Reply;
import dev.breakglass.port.PeopleDirectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.breakglass.grant.Reply.person;

/**
 * Who may do what: the one place that decides, for every use case and every chat view.
 *
 * <p>Acting on an existing grant ({@link #may}) reads the policy and the memberships as they are at that moment, not
 * as they were when the grant was asked for ({@link PeopleDirectory#currentGroupsOf}, failing closed): a person
 * removed from a group cannot act a moment later. Showing things (who sees a grant, which targets a form offers,
 * whose Home lists it) and asking for access may use the directory's short cache ({@link PeopleDirectory#groupsOf}).
 *
 * <p>Roles, from the policy's target: its requesters ask, its approvers decide (never on their own request or
 * extension), the requester and its approvers and revokers end access early, only revokers mark a failed revocation
 * resolved, its reviewers (its approvers when it names none) sign reviews off. A grant is seen by its requester and
 * its target's approvers, revokers and reviewers. A grant whose target left the policy is seen by its requester
 * alone, and refuses every act that needs a role (an approver who already approved it may still end it early).
 */
public final class Permissions {
    private final Policy policy;
    private final PeopleDirectory people;

    public Permissions(Policy policy, PeopleDirectory people) {
        this.policy = policy;
        this.people = people;
    }

    /** An action on an existing grant, for {@link #may}. */
    public enum Act {
        /** Approve the request (a peer among the target's approvers). */
        APPROVE,
        /** Deny the request (a peer among the target's approvers). */
        DENY,
        /** Approve or deny the pending extension (a peer among the target's approvers). */
        DECIDE_EXTENSION,
        /** Withdraw the request (its requester). */
        CANCEL,
        /** Break the glass alone (its requester, still among the target's requesters). */
        BREAK_GLASS,
        /** Be given the approved access (its requester, still among the target's requesters). */
        RECEIVE,
        /** Ask for more time (its requester, still among the target's requesters). */
        EXTEND,
        /** See the credentials (its requester, still among the target's requesters). */
        REVEAL,
        /** End the access early (who sees it and is its requester, one of its approvers, or a revoker). */
        REVOKE,
        /** Confirm by hand that failed revocation is done (a revoker of the target). */
        RESOLVE,
        /** Write the post-mortem review (its requester). */
        WRITE_REVIEW,
        /** Sign the written review off (a reviewer of the target, never the requester). */
        SIGN_OFF
    }

    /** Whether {@code user} may {@code act} on {@code grant} now; exhaustive over {@link Act}. */
    public Permission may(Act act, Grant grant, String user) {
        Optional<Reply> no = switch (act) {
            case APPROVE -> notOwn(grant, user, Reply.named("permission.ownRequest", "id", grant.id()))
                    .or(() -> approverNow(grant, user, "approve"));
            case DENY -> notOwn(grant, user, Reply.named("permission.withdrawOwn"))
                    .or(() -> approverNow(grant, user, "deny"));
            case DECIDE_EXTENSION -> notOwn(grant, user, Reply.named("permission.ownExtension"))
                    .or(() -> approverNow(grant, user, "decideExtension"));
            case CANCEL -> onlyRequester(grant, user, "cancel");
            case BREAK_GLASS -> requesterNow(grant, user, "breakGlass");
            case RECEIVE -> requesterNow(grant, user, "receive");
            case EXTEND -> requesterNow(grant, user, "extend");
            case REVEAL -> grant.requester().equals(user)
                    ? requesterNow(grant, user, "reveal")
                    : Optional.of(Reply.named("permission.onlyRequesterReveals"));
            case REVOKE -> revoker(grant, user);
            case RESOLVE -> target(grant).filter(t -> Membership.allowsNow(people, t.revokers(), user)).isPresent()
                    ? Optional.empty() : Optional.of(Reply.named("permission.notResolver",
                    "target", grant.target()));
            case WRITE_REVIEW -> grant.requester().equals(user) ? Optional.empty() : Optional.of(Reply.named(
                    "permission.onlyRequesterWrites", "requester", person(grant.requester()), "id", grant.id()));
            case SIGN_OFF -> notOwn(grant, user, Reply.named("permission.ownReview",
                    "signers", signersText(grant))).or(() -> Membership.allowsNow(people, signers(grant), user)
                    ? Optional.empty() : Optional.of(Reply.named("permission.notReviewer",
                    "target", grant.target(), "id", grant.id())));
        };
        return no.<Permission>map(Permission.Refused::new).orElse(Permission.ALLOWED);
    }

    /**
     * Whether {@code user} may ask for access to {@code target}: among its requesters. Read with the directory's
     * short cache, as the form that offers the target is.
     */
    public Permission mayRequest(TargetPolicy target, String user) {
        return Membership.allows(people, target.requesters(), user) ? Permission.ALLOWED
                : new Permission.Refused(Reply.named("permission.notRequester", "target", target.name()));
    }

    /** Whether {@code admin} may reset someone's step-up enrolment: among {@code step-up.admins}, now. */
    public Permission mayResetStepUp(String admin) {
        return Membership.allowsNow(people, policy.stepUp().admins(), admin) ? Permission.ALLOWED
                : new Permission.Refused(Reply.named("permission.notStepUpAdmin"));
    }

    /**
     * Whether {@code user} may see {@code grant}: its requester, or an approver, revoker or reviewer of its target.
     * A grant whose target left the policy is visible to its requester only.
     */
    public boolean maySee(Grant grant, String user) {
        if (grant.requester().equals(user)) {
            return true;
        }
        return target(grant).map(t -> {
            List<Principal> watchers = new ArrayList<>(t.approvers());
            watchers.addAll(t.revokers());
            watchers.addAll(t.reviewers());
            return Membership.allows(people, watchers, user);
        }).orElse(false);
    }

    /** The targets {@code user} may request, in policy order (for forms and hints; short cache). */
    public List<TargetPolicy> requestableTargets(String user) {
        return policy.targets().values().stream().filter(t -> Membership.allows(people, t.requesters(), user)).toList();
    }

    /**
     * The emergency kinds {@code user} may name for a request on {@code target}, in policy order: those that apply to
     * the target and whose requesters (none: anyone who may request the target) include the user. Empty when the
     * policy defines no kinds. Whether the user may request the target at all is {@link #mayRequest}'s to say.
     */
    public List<EmergencyKind> invocableKinds(TargetPolicy target, String user) {
        return policy.emergencies().stream().filter(k -> k.appliesTo(target.name()))
                .filter(k -> k.requesters().isEmpty() || Membership.allows(people, k.requesters(), user)).toList();
    }

    /** The emergency kinds {@code user} may name on at least one target they may request, in policy order. */
    public List<EmergencyKind> invocableKinds(String user) {
        Set<EmergencyKind> mine = requestableTargets(user).stream()
                .flatMap(t -> invocableKinds(t, user).stream()).collect(Collectors.toSet());
        return policy.emergencies().stream().filter(mine::contains).toList();
    }

    /** Whether {@code user} is among the approvers of {@code grant}'s target, for showing (short cache). */
    public boolean approves(Grant grant, String user) {
        return target(grant).filter(t -> Membership.allows(people, t.approvers(), user)).isPresent();
    }

    /**
     * Whether {@code user} signs off reviews of {@code grant}, for showing the button and the Home (short cache):
     * its target's reviewers, else its approvers, never its requester. Signing off itself is {@link Act#SIGN_OFF}.
     */
    public boolean signsOff(Grant grant, String user) {
        return !grant.requester().equals(user) && Membership.allows(people, signers(grant), user);
    }

    /** Who signs off reviews of {@code grant}; empty when its target left the policy. */
    private List<Principal> signers(Grant grant) {
        return target(grant).map(t -> t.reviewers().isEmpty() ? t.approvers() : t.reviewers()).orElse(List.of());
    }

    /**
     * Who signs off reviews of {@code g} ("a reviewer of orders-db", "an approver of orders-db" when the target names
     * no reviewers, "a reviewer" when it left the policy): the section {@code signersOf} of {@code reply-permission}.
     */
    public static Reply signersText(Policy policy, Grant g) {
        Optional<TargetPolicy> target = policy.target(g.target());
        return Reply.named("permission.signersOf", "target", target.map(TargetPolicy::name).orElse(""),
                "approvers", target.map(t -> t.reviewers().isEmpty()).orElse(false));
    }

    private Reply signersText(Grant g) {
        return signersText(policy, g);
    }

    private Optional<TargetPolicy> target(Grant grant) {
        return policy.target(grant.target());
    }

    /**
     * The acts a refusal can name, each a flag of the {@code reply-permission} sections that say "so you cannot …":
     * the template words the act, so every flag is passed, exactly one of them set.
     */
    static final List<String> ACTS = List.of("approve", "deny", "decideExtension", "cancel", "breakGlass", "receive",
            "extend", "reveal");

    /** The refusal {@code key} naming the act {@code act} (one of {@link #ACTS}), with its other arguments. */
    private static Reply refusal(String key, String act, Object... namesAndValues) {
        if (!ACTS.contains(act)) {
            throw new IllegalArgumentException("no words for the act " + act);
        }
        List<Object> args = new ArrayList<>(List.of(namesAndValues));
        ACTS.forEach(a -> {
            args.add(a);
            args.add(a.equals(act));
        });
        return Reply.named(key, args.toArray());
    }

    /** {@code refusal} when {@code user} is the grant's requester, acting where a peer must. */
    private static Optional<Reply> notOwn(Grant grant, String user, Reply refusal) {
        return grant.requester().equals(user) ? Optional.of(refusal) : Optional.empty();
    }

    private static Optional<Reply> onlyRequester(Grant grant, String user, String verb) {
        return grant.requester().equals(user) ? Optional.empty()
                : Optional.of(refusal("permission.onlyRequester", verb, "requester",
                        person(grant.requester()), "id", grant.id()));
    }

    /** The grant's requester, still among its target's requesters now. */
    private Optional<Reply> requesterNow(Grant grant, String user, String verb) {
        return onlyRequester(grant, user, verb).or(() -> inPolicy(grant, verb)).or(() ->
                Membership.allowsNow(people, target(grant).orElseThrow().requesters(), user) ? Optional.empty()
                        : Optional.of(refusal("permission.noLongerRequester", verb, "target",
                                grant.target(), "id", grant.id())));
    }

    /** Among the grant's target's approvers now. */
    private Optional<Reply> approverNow(Grant grant, String user, String verb) {
        return inPolicy(grant, verb).or(() -> Membership.allowsNow(people, target(grant).orElseThrow().approvers(), user)
                ? Optional.empty() : Optional.of(refusal("permission.notApprover", verb,
                "target", grant.target(), "id", grant.id())));
    }

    private Optional<Reply> inPolicy(Grant grant, String verb) {
        return target(grant).isPresent() ? Optional.empty() : Optional.of(refusal("permission.notInPolicy", verb,
                "target", grant.target(), "id", grant.id()));
    }

    /**
     * Who may end access early: someone who sees the grant and is its requester, one who approved it, or an approver
     * or revoker of its target now. Someone who may not see it is told it does not exist.
     */
    private Optional<Reply> revoker(Grant grant, String user) {
        if (!maySee(grant, user)) {
            return Optional.of(Reply.named("permission.notVisible", "id", grant.id()));
        }
        Optional<TargetPolicy> target = target(grant);
        boolean allowed = grant.requester().equals(user) || grant.approvedBy().contains(user)
                || target.filter(t -> Membership.allowsNow(people, t.approvers(), user)
                || Membership.allowsNow(people, t.revokers(), user)).isPresent();
        return allowed ? Optional.empty() : Optional.of(Reply.named("permission.notEnder",
                "target", grant.target(), "id", grant.id()));
    }
}
