package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;
import dev.breakglass.bot.adapter.postgres.AdminSession.RoleInfo;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.RevokeReport.LeftBehind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-grant mode: every grant gets a login role of its own ({@link GrantRoles#perGrantRole}), member of the mapped
 * role, with {@code VALID UNTIL} the end of the window; revoke drops it.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>A grant for an id whose role exists (a retried job) sets a new password and expiry on it: the old password
 *       stops working, sessions stay. A role of that name that Breakglass did not mark as this grant's is refused
 *       and never touched.</li>
 *   <li>A grant that fails leaves no role: its transaction is rolled back, and a role left from an earlier attempt
 *       for the same id is dropped too (the grant goes to FAILED, which nobody revokes).</li>
 *   <li>Revoke first commits {@code NOLOGIN} and {@code PASSWORD NULL} (no new session can start), then terminates
 *       the sessions, then drops the role. The disabling transaction also revokes every membership of the role. A
 *       role that owns objects has them handed to the orphan owner ({@link OrphanOwner}: kept, so nothing made
 *       during the incident is lost, but owned by a role without privileges, with routines nobody may execute) and
 *       its privileges dropped. When the role still cannot be dropped (objects in another database, an unsafe
 *       orphan owner, missing rights) it stays behind, unable to log in and a member of nothing, and a warning
 *       says so: the access is gone either way.</li>
 *   <li>Verify: the role is gone or cannot log in, and no session of that name is left, in any database.</li>
 * </ul>
 */
final class PerGrantAccess {
    private static final Logger LOG = LoggerFactory.getLogger(PerGrantAccess.class);

    private final String target;
    private final PostgresSettings settings;

    PerGrantAccess(String target, PostgresSettings settings) {
        this.target = target;
        this.settings = settings;
    }

    /**
     * Creates (or renews) the grant's role.
     *
     * @param member   the PostgreSQL role to make it a member of
     * @param verifier the password's SCRAM verifier
     * @return the role's name
     * @throws Failure saying what failed, and whether the role was removed again
     */
    String grant(GrantRequest request, String member, String verifier) throws Failure {
        String role = GrantRoles.perGrantRole(request.id(), request.slackUserId());
        String q = Sql.identifier(role);
        boolean[] touched = {false};
        try (AdminSession s = AdminSession.open(settings)) {
            s.inTransaction(role, () -> {
                Optional<RoleInfo> existing = s.role(role);
                if (existing.isPresent() && !ours(existing.get(), request.id())) {
                    throw new Failure("a role " + role + " already exists that Breakglass did not make for "
                            + request.id() + "; it was left alone (rename or drop it)", null);
                }
                touched[0] = true;
                if (s.role(member).isEmpty()) {
                    throw new Failure("the PostgreSQL role " + member + " to grant does not exist", "42704");
                }
                if (existing.isEmpty()) {
                    // Attributes are stated here only: ALTER ROLE … NOSUPERUSER needs a superuser admin.
                    s.execute("CREATE ROLE " + q + " WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                            + "NOBYPASSRLS INHERIT", "create role " + role);
                }
                s.execute("COMMENT ON ROLE " + q + " IS " + Sql.literal(GrantRoles.holderComment(request.id(),
                        request.slackUserId(), target, request.expiresAt())), "mark role " + role + " as "
                        + request.id() + "'s");
                s.execute("ALTER ROLE " + q + " WITH LOGIN CONNECTION LIMIT " + settings.connectionLimit()
                        + " PASSWORD " + Sql.literal(verifier) + " VALID UNTIL " + Sql.timestamp(request.expiresAt()),
                        "set the password and expiry of role " + role);
                for (String other : s.memberships(role)) {
                    if (!other.equals(member)) {
                        // Left from an earlier attempt under another mapping: the role gets exactly one.
                        s.execute("REVOKE " + Sql.identifier(other) + " FROM " + q, "revoke " + other + " from " + role);
                    }
                }
                s.execute("GRANT " + Sql.identifier(member) + " TO " + q, "grant " + member + " to role " + role);
                if (settings.logStatements()) {
                    s.execute("ALTER ROLE " + q + " SET log_statement = 'all'",
                            "turn on statement logging (log_statement) for role " + role);
                }
                return null;
            });
            return role;
        } catch (Failure f) {
            if (!touched[0]) {
                throw f;
            }
            throw new Failure(f.getMessage() + undo(request.id(), role), f.sqlState());
        }
    }

    /** Best effort after a failed grant: drops what an earlier attempt for this id may have left. */
    private String undo(GrantId id, String role) {
        try {
            Removed removed = revoke(id, role);
            if (!removed.existed()) {
                return "; no role was left behind";
            }
            return removed.dropped() ? "; role " + role + " was dropped again"
                    : "; role " + role + " was disabled but could not be dropped";
        } catch (Failure f) {
            LOG.warn("postgres grant {} on {}: removing role {} after the failure failed too: {}", id, target, role,
                    f.getMessage());
            return "; removing role " + role + " failed too (" + f.getMessage() + ")";
        }
    }

    /**
     * Disables the role, ends its sessions and drops it. Idempotent: a role that is gone is fine.
     *
     * @throws Failure when the role exists but is not this grant's, or the server refused
     */
    Removed revoke(GrantId id, String role) throws Failure {
        String q = Sql.identifier(role);
        try (AdminSession s = AdminSession.open(settings)) {
            boolean existed = s.inTransaction(role, () -> {
                Optional<RoleInfo> info = s.role(role);
                if (info.isEmpty()) {
                    return false;
                }
                if (!ours(info.get(), id)) {
                    throw new Failure("role " + role + " exists but Breakglass did not make it for " + id
                            + "; it was left alone, check and drop it by hand", null);
                }
                s.execute("ALTER ROLE " + q + " WITH NOLOGIN PASSWORD NULL", "disable login of role " + role);
                // Should the role outlive this revoke, what it owns (in any database) runs with no borrowed rights.
                for (String member : s.memberships(role)) {
                    s.execute("REVOKE " + Sql.identifier(member) + " FROM " + q, "revoke " + member + " from " + role);
                }
                return true;
            });
            // After the commit: no new session can start, so none slips in after the terminations.
            int ended = s.terminateSessions(role);
            if (!existed) {
                return new Removed(false, ended, true, List.of());
            }
            List<LeftBehind> leftBehind = new ArrayList<>();
            boolean dropped = drop(s, id, role, leftBehind);
            return new Removed(true, ended, dropped, leftBehind);
        }
    }

    /** Whether {@code role} is gone (or cannot log in) and has no session left. */
    boolean verify(String role) throws Failure {
        try (AdminSession s = AdminSession.open(settings)) {
            Optional<RoleInfo> info = s.role(role);
            return (info.isEmpty() || !info.get().canLogin()) && s.sessions(role) == 0;
        }
    }

    /** Drops the role; what it owns goes to the orphan owner first, and {@code leftBehind} says what that was. */
    private boolean drop(AdminSession s, GrantId id, String role, List<LeftBehind> leftBehind) throws Failure {
        String q = Sql.identifier(role);
        try {
            s.execute("DROP ROLE IF EXISTS " + q, "drop role " + role);
            return true;
        } catch (Failure f) {
            if (!"2BP01".equals(f.sqlState())) {
                LOG.warn("postgres revoke {} on {}: role {} stays, unable to log in: {}", id, target, role,
                        f.getMessage());
                return false;
            }
        }
        // The role owns objects or holds privileges: its objects go to the orphan owner (never to the admin: a
        // SECURITY DEFINER function would then run as the admin), its privileges are dropped, then the role.
        try {
            boolean superuser = s.self().superuser();
            List<LeftBehind> adopted = s.inTransaction(role, () -> {
                if (!superuser) {
                    // REASSIGN and DROP OWNED need membership in the role; CREATEROLE may grant it (rolled back on
                    // failure, gone with the role on success).
                    s.execute("GRANT " + q + " TO CURRENT_USER", "make the admin user a member of role " + role);
                }
                List<LeftBehind> moved = OrphanOwner.adopt(s, role, settings.orphanOwner(), superuser);
                s.execute("DROP OWNED BY " + q, "drop the privileges of role " + role);
                s.execute("DROP ROLE " + q, "drop role " + role);
                return moved;
            });
            leftBehind.addAll(adopted);
            if (!adopted.isEmpty()) {
                LOG.info("postgres revoke {} on {}: {} object(s) of role {} handed to {}: {}", id, target,
                        adopted.size(), role, settings.orphanOwner(),
                        adopted.stream().map(LeftBehind::object).toList());
            }
            return true;
        } catch (Failure f) {
            LOG.warn("postgres revoke {} on {}: role {} stays, unable to log in and a member of nothing: {}{}", id,
                    target, role, f.getMessage(), "2BP01".equals(f.sqlState()) ? " (objects in other databases block "
                            + "DROP ROLE; reassign them there to the orphan owner and drop the role by hand)" : "");
            return false;
        }
    }

    private static boolean ours(RoleInfo role, GrantId id) {
        return GrantRoles.holder(role.comment()).filter(id::equals).isPresent();
    }

    /**
     * What a revoke did.
     *
     * @param existed whether there was a role to remove
     * @param ended   sessions terminated
     * @param dropped    whether the role is gone (false: it stays, unable to log in and a member of nothing)
     * @param leftBehind what the role owned, now the orphan owner's, and how it was made harmless
     */
    record Removed(boolean existed, int ended, boolean dropped, List<LeftBehind> leftBehind) {
    }
}
