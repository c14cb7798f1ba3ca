package dev.breakglass.grant;

import dev.breakglass.policy.EmergencyKind;
import dev.breakglass.policy.Permissions;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.AuditLog;
import dev.breakglass.port.GrantStore;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * What people look at: a grant, the open grants they may see, the targets they may request, and a grant's audit
 * timeline. Visibility is {@link Permissions#maySee}: an id someone may not see looks like one that does not exist.
 * Reads only; every view is a bounded read ({@link #READ_LIMIT}), however many grants pile up.
 */
public final class QueryService {
    /** The most grants one view (App Home, {@code /breakglass list}) reads from the store. */
    public static final int READ_LIMIT = 200;

    private final GrantStore store;
    private final Permissions permissions;
    private final AuditLog audit;

    public QueryService(GrantStore store, Permissions permissions, AuditLog audit) {
        this.store = store;
        this.permissions = permissions;
        this.audit = audit;
    }

    /** The grant, when it exists (for the bot's own work: no visibility check). */
    public Optional<Grant> find(GrantId id) {
        return store.find(id);
    }

    /** The grant, if {@code user} may see it; empty for one that does not exist or that they may not see. */
    public Optional<Grant> status(GrantId id, String user) {
        return store.find(id).filter(g -> permissions.maySee(g, user));
    }

    /**
     * Pending and active grants {@code user} may see, oldest first, among the newest {@link #READ_LIMIT} open
     * grants.
     */
    public List<Grant> openGrantsVisibleTo(String user) {
        return store.findNewestByState(EnumSet.of(GrantState.PENDING, GrantState.APPROVED,
                GrantState.PROVISIONING, GrantState.ACTIVE, GrantState.REVOKE_FAILED), READ_LIMIT).stream()
                .filter(g -> permissions.maySee(g, user)).toList();
    }

    /** The targets {@code user} may request, in policy order. */
    public List<TargetPolicy> requestableTargets(String user) {
        return permissions.requestableTargets(user);
    }

    /**
     * The emergency kinds {@code user} may name on at least one target they may request, in policy order; empty when
     * the policy defines none.
     */
    public List<EmergencyKind> invocableKinds(String user) {
        return permissions.invocableKinds(user);
    }

    /** The audit timeline of grant {@code id}, oldest first, if {@code user} may see the grant; else empty. */
    public Optional<List<AuditLog.Entry>> timeline(GrantId id, String user) {
        return status(id, user).map(g -> audit.timeline(g.id()));
    }
}
