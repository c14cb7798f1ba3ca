package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;
import dev.breakglass.bot.adapter.postgres.AdminSession.Owned;
import dev.breakglass.port.RevokeReport.LeftBehind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The role that receives what a per-grant login still owns when it is dropped ({@code settings.orphan-owner},
 * default {@value PostgresSettings#DEFAULT_ORPHAN_OWNER}). It exists so that nothing made during a grant ends up
 * owned by the admin: a {@code SECURITY DEFINER} function owned by the admin would run as the admin for anyone
 * allowed to call it.
 *
 * <p>The owner is safe when it cannot log in, has no privileged attribute ({@code SUPERUSER}, {@code CREATEROLE},
 * {@code CREATEDB}, {@code REPLICATION}, {@code BYPASSRLS}), is a member of no role (it has no privileges beyond
 * what it owns) and has no member but the admin user (nobody can act as it). {@link #ensure} creates it that way
 * when it is missing and refuses one that is not; it never changes an existing role.
 *
 * <p>On top of the ownership change, every function and procedure received is made {@code SECURITY INVOKER} and
 * its {@code EXECUTE} taken from {@code PUBLIC} and from every role granted it: nobody can call it any more, and
 * it would run with the caller's own rights if someone were granted it later. Other objects (tables, views, types,
 * schemas) keep their data and grants, owned by a role without privileges: a view made during the grant reads
 * nothing it could read only through the login's mapped role.
 */
final class OrphanOwner {
    private OrphanOwner() {
    }

    /**
     * Creates the owner when it is missing, else checks that it is safe, under its advisory lock (inside the
     * caller's transaction).
     *
     * @throws Failure naming the setting and saying how to fix the role, when it exists and is not safe
     */
    static void ensure(AdminSession s, String owner) throws Failure {
        s.lock(owner);
        String q = Sql.identifier(owner);
        if (s.role(owner).isEmpty()) {
            s.execute("CREATE ROLE " + q + " WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    + "NOBYPASSRLS NOINHERIT", "create the orphan owner " + owner);
            s.execute("COMMENT ON ROLE " + q + " IS " + Sql.literal("breakglass: owns what break-glass logins left "
                    + "behind; no login, no privileges, no members"), "comment on the orphan owner " + owner);
            return;
        }
        Optional<String> problem = problem(s, owner);
        if (problem.isPresent()) {
            throw new Failure("settings.orphan-owner: the role " + owner + " " + problem.get(), null);
        }
    }

    /**
     * Makes one routine run as its caller and takes {@code EXECUTE} on it from {@code PUBLIC} and every grantee;
     * the admin must act as its owner.
     *
     * @param prefix how the outcome starts, e.g. who owns it now
     */
    static LeftBehind disarm(AdminSession s, Owned o, String prefix) throws Failure {
        if (o.securityDefiner()) {
            s.execute("ALTER ROUTINE " + o.signature() + " SECURITY INVOKER", "make " + o.description()
                    + " run as its caller");
        }
        StringBuilder from = new StringBuilder("PUBLIC");
        for (String grantee : o.grantees()) {
            from.append(", ").append(grantee); // regrole text: already quoted where needed
        }
        s.execute("REVOKE ALL ON ROUTINE " + o.signature() + " FROM " + from + " CASCADE",
                "revoke EXECUTE on " + o.description());
        return new LeftBehind(o.description(), prefix + (o.securityDefiner() ? "no longer SECURITY DEFINER, " : "")
                + "EXECUTE revoked from everyone");
    }

    /**
     * Shared-account mode: the account keeps what it owns, but its {@code SECURITY DEFINER} routines are disarmed
     * ({@link #disarm}): one made during a window would otherwise let anyone run code as the account, with the
     * mapped role of every later grant. Inside the caller's transaction.
     */
    static List<LeftBehind> disarmDefiners(AdminSession s, String account, boolean superuser) throws Failure {
        List<Owned> definers = s.owned(account).stream().filter(o -> o.routine() && o.securityDefiner()).toList();
        if (definers.isEmpty()) {
            return List.of();
        }
        return asMemberOf(s, account, superuser, () -> {
            List<LeftBehind> report = new ArrayList<>();
            for (Owned o : definers) {
                report.add(disarm(s, o, "kept by " + account + ", "));
            }
            return report;
        });
    }

    /**
     * Runs {@code work} with the privileges of {@code role}: a non-superuser admin that lacks them becomes a member
     * first and stops being one afterwards, inside the caller's transaction (so a failure rolls the membership back).
     */
    private static <T> T asMemberOf(AdminSession s, String role, boolean superuser, AdminSession.Work<T> work)
            throws Failure {
        String q = Sql.identifier(role);
        boolean joined = !superuser && !s.hasRole(role);
        if (joined) {
            s.execute("GRANT " + q + " TO CURRENT_USER", "make the admin user a member of " + role);
        }
        T result = work.run();
        if (joined) {
            s.execute("REVOKE " + q + " FROM CURRENT_USER", "end the admin user's membership in " + role);
        }
        return result;
    }

    private static Optional<String> problem(AdminSession s, String owner) throws Failure {
        List<String> powers = s.powers(owner);
        if (!powers.isEmpty()) {
            return Optional.of("has " + String.join(", ", powers) + "; it must have none (ALTER ROLE "
                    + Sql.identifier(owner) + " NO" + String.join(" NO", powers) + ")");
        }
        List<String> memberOf = s.memberships(owner);
        if (!memberOf.isEmpty()) {
            return Optional.of("is a member of " + String.join(", ", memberOf) + "; it must have no privileges "
                    + "(REVOKE them from it)");
        }
        List<String> members = s.membersBesidesMe(owner);
        if (!members.isEmpty()) {
            return Optional.of("has members (" + String.join(", ", members) + ") who could act as the owner of "
                    + "what it receives; REVOKE it from them");
        }
        return Optional.empty();
    }

    /**
     * Hands everything {@code role} owns in this database to the owner and makes its routines unusable, inside the
     * caller's transaction; the admin must already have the privileges of {@code role}. A non-superuser admin
     * becomes a member of the owner for the statements that need it and stops being one before the commit.
     *
     * @return what was handed over and what was done with it, in PostgreSQL's words
     */
    static List<LeftBehind> adopt(AdminSession s, String role, String owner, boolean superuser) throws Failure {
        ensure(s, owner);
        List<Owned> owned = s.owned(role);
        if (owned.isEmpty()) {
            return List.of();
        }
        // REASSIGN OWNED needs the privileges of both roles; ALTER and REVOKE then act as the new owner.
        return asMemberOf(s, owner, superuser, () -> {
            s.execute("REASSIGN OWNED BY " + Sql.identifier(role) + " TO " + Sql.identifier(owner),
                    "hand the objects of role " + role + " to the orphan owner " + owner);
            List<LeftBehind> report = new ArrayList<>();
            for (Owned o : owned) {
                report.add(o.routine() ? disarm(s, o, "owned by " + owner + ", ")
                        : new LeftBehind(o.description(), "owned by " + owner));
            }
            return report;
        });
    }
}
