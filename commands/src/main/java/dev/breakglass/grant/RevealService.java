package dev.breakglass.grant;

import dev.breakglass.event.GrantEvent;
import dev.breakglass.policy.Permission;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.CredentialDisplay;
import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.GrantStore;

import java.time.Clock;
import java.util.Optional;

/**
 * The Reveal use case: the requester sees the credentials of their active grant, at most the policy's
 * {@code reveal-limit} times in all.
 *
 * <p>A reveal counts only once the requester could see it: it is taken from the vault (atomically, so two
 * concurrent clicks cannot both take the last one), shown through the {@link CredentialDisplay}, and given back
 * when the display did not show it (too large for the chat even split, or the chat refused or failed; also when
 * the display threw). A shown reveal is recorded as {@link GrantEvent.CredentialsRevealed}, for the audit log
 * and the post-mortem timeline; the credentials themselves go nowhere but the display.
 *
 * <p>Refused, and nothing taken: a grant that does not exist or is not the clicker's ("only the requester"), a
 * grant that no longer holds access (its credentials are gone). Unchanged: every reveal already used, or no
 * credentials stored (the target issued none).
 */
public final class RevealService {
    private final GrantStore store;
    private final Policy policy;
    private final CredentialVault vault;
    private final Clock clock;
    private final Permissions permissions;

    /** @param permissions decides who may reveal: the requester, still allowed on the target now */
    public RevealService(GrantStore store, Policy policy, CredentialVault vault, Clock clock,
                         Permissions permissions) {
        this.permissions = permissions;
        this.store = store;
        this.policy = policy;
        this.vault = vault;
        this.clock = clock;
    }

    /** {@code user} asks to see the credentials of grant {@code id} on {@code display}. */
    public Outcome reveal(GrantId id, String user, CredentialDisplay display) {
        Optional<Grant> found = store.find(id);
        if (found.isEmpty()) {
            return new Outcome.Refused(Reply.named("reveal.onlyRequester"));
        }
        Grant g = found.get();
        if (permissions.may(Permissions.Act.REVEAL, g, user) instanceof Permission.Refused no) {
            return new Outcome.Refused(no.reply());
        }
        Optional<Outcome> ended = Step.whyNot(g, GrantState.Action.REVEAL, x -> Reply.named("reveal.ended", "id", x.id(),
                "state", x.state().name().toLowerCase().replace('_', ' ')));
        if (ended.isPresent()) {
            return ended.get();
        }
        CredentialVault.Reveal taken = vault.reveal(g.id(), policy.revealLimit());
        if (taken instanceof CredentialVault.Reveal.Exhausted exhausted) {
            return new Outcome.Unchanged(g, Reply.named("reveal.exhausted", "id", g.id(),
                    "limit", exhausted.limit()));
        }
        if (!(taken instanceof CredentialVault.Reveal.Revealed revealed)) {
            return new Outcome.Unchanged(g, Reply.named("reveal.none", "id", g.id()));
        }
        CredentialDisplay.Shown shown;
        try {
            shown = display.show(g, revealed.credentials(), revealed.remaining());
        } catch (RuntimeException e) {
            vault.giveBack(g.id());
            throw e;
        }
        if (shown instanceof CredentialDisplay.Shown.NotShown not) {
            vault.giveBack(g.id());
            return new Outcome.Unchanged(g, Reply.named("reveal.notShown", "why", not.why()));
        }
        store.record(new GrantEvent.CredentialsRevealed(g, user, clock.instant(), revealed.remaining()), false);
        return new Outcome.Done(g, Reply.named("reveal.revealed", "id", g.id()));
    }
}
