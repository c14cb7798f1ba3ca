package dev.breakglass.bot.adapter.postgres;

import dev.breakglass.bot.adapter.postgres.AdminSession.Failure;
import dev.breakglass.bot.adapter.postgres.AdminSession.RoleInfo;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.RevokeReport.LeftBehind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Shared-account mode ("dedicated emergency account"): one existing role, normally {@code NOLOGIN}, is enabled for
 * one grant at a time with a fresh password and {@code VALID UNTIL} the end of the window; revoke disables it again
 * and gives it a password nobody knows.
 *
 * <p>Which grant holds the account is kept in the account's comment ({@link GrantRoles}). Edge cases:
 * <ul>
 *   <li>A grant while another grant holds the account and its window is open is refused: enabling it again would
 *       lock the holder out, and the first revoke would cut off the second.</li>
 *   <li>A grant after a holder's window passed without a revoke (the bot was down) takes the account over: new
 *       password, and the old holder's sessions are terminated. That older grant's revoke and verify then leave the
 *       account alone and report its access gone.</li>
 *   <li>A grant for the id that holds the account (a retried job) sets a new password; sessions stay.</li>
 *   <li>The mapped role ({@code roles}/{@code default-role}), when there is one, is granted to the account for the
 *       grant; any other configured role the account is still a member of is revoked first, and all of them at
 *       revoke. Without a mapping the account keeps just its own privileges.</li>
 *   <li>{@link #rotate} changes the password only while the account cannot log in, so it never locks out a
 *       holder.</li>
 * </ul>
 */
final class SharedAccountAccess {
    private static final Logger LOG = LoggerFactory.getLogger(SharedAccountAccess.class);

    private final String target;
    private final PostgresSettings settings;
    private final String account;
    private final Clock clock;

    SharedAccountAccess(String target, PostgresSettings settings, Clock clock) {
        this.target = target;
        this.settings = settings;
        this.account = settings.account().orElseThrow();
        this.clock = clock;
    }

    /** The configured account. */
    String account() {
        return account;
    }

    /**
     * Enables the account for {@code request}.
     *
     * @param member   the PostgreSQL role to grant the account, if any
     * @param verifier the new password's SCRAM verifier
     * @return what happened to earlier users of the account
     * @throws Failure when the account is missing or held by a live grant, or the server refused
     */
    Taken grant(GrantRequest request, Optional<String> member, String verifier) throws Failure {
        String q = Sql.identifier(account);
        Optional<GrantId> mine = Optional.of(request.id());
        try (AdminSession s = AdminSession.open(settings)) {
            Taken taken;
            try {
                taken = s.inTransaction(account, () -> {
                    RoleInfo info = s.role(account).orElseThrow(() -> new Failure("the shared account " + account
                            + " does not exist; create it with CREATE ROLE " + account + " NOLOGIN", "42704"));
                    Optional<GrantId> holder = GrantRoles.holder(info.comment());
                    if (info.canLogin() && holder.isPresent() && !holder.equals(mine) && info.windowOpen()) {
                        throw new Failure("the shared account " + account + " is in use by " + holder.get()
                                + info.validUntil().map(t -> " until " + DateTimeFormatter.ISO_INSTANT.format(
                                        t.truncatedTo(ChronoUnit.SECONDS))).orElse("")
                                + "; it serves one grant at a time", null);
                    }
                    if (member.isPresent() && s.role(member.get()).isEmpty()) {
                        throw new Failure("the PostgreSQL role " + member.get() + " to grant does not exist", "42704");
                    }
                    s.execute("ALTER ROLE " + q + " WITH LOGIN PASSWORD " + Sql.literal(verifier) + " VALID UNTIL "
                            + Sql.timestamp(request.expiresAt()), "enable login of the shared account " + account);
                    s.execute("COMMENT ON ROLE " + q + " IS " + Sql.literal(GrantRoles.holderComment(request.id(),
                            request.slackUserId(), target, request.expiresAt())),
                            "mark the shared account " + account + " as held by " + request.id());
                    revokeConfigured(s, member);
                    if (member.isPresent()) {
                        s.execute("GRANT " + Sql.identifier(member.get()) + " TO " + q,
                                "grant " + member.get() + " to the shared account " + account);
                    }
                    if (settings.logStatements()) {
                        s.execute("ALTER ROLE " + q + " SET log_statement = 'all'",
                                "turn on statement logging (log_statement) for the shared account " + account);
                    }
                    boolean retry = info.canLogin() && holder.equals(mine);
                    // A retry keeps the sessions the grant already has: they are its own from their start.
                    java.time.Instant since = s.now();
                    if (retry) {
                        java.sql.Timestamp first = s.select("SELECT min(backend_start) FROM pg_stat_activity "
                                + "WHERE usename = ?", "read when the sessions of " + account + " started",
                                rs -> rs.next() ? rs.getTimestamp(1) : null, account);
                        if (first != null && first.toInstant().isBefore(since)) {
                            since = first.toInstant();
                        }
                    }
                    return new Taken(retry, info.canLogin() ? holder.filter(h -> !h.equals(request.id()))
                            : Optional.empty(), 0, since);
                });
            } catch (Failure f) {
                throw new Failure(f.getMessage() + undo(request.id()), f.sqlState());
            }
            if (taken.retry()) {
                return taken;
            }
            // After the commit and before anyone has the new password, so only earlier sessions are ended: a holder
            // whose window passed unrevoked, or whoever enabled the account by hand. Its old password is void now.
            int ended;
            try {
                ended = s.terminateSessions(account);
            } catch (Failure f) {
                // Committed but not safe to hand out (old sessions would live on under this grant): take it back.
                throw new Failure(f.getMessage() + undo(request.id()), f.sqlState());
            }
            taken.from().ifPresent(old -> LOG.info("postgres grant {} on {}: took the shared account {} over from {},"
                    + " whose window had passed; {} of its sessions ended", request.id(), target, account, old, ended));
            return new Taken(false, taken.from(), ended, taken.since());
        }
    }

    /**
     * What a shared-account grant found.
     *
     * @param retry whether this grant already held the account (its sessions were kept)
     * @param from  the earlier holder whose window had passed unrevoked, if any
     * @param ended sessions terminated
     * @param since the server's time when the grant set the password (its transaction's start): the account's
     *              sessions from then on are this grant's
     */
    record Taken(boolean retry, Optional<GrantId> from, int ended, java.time.Instant since) {
    }

    /**
     * After a failed grant (whose changes were rolled back): if this grant held the account before (a retried job),
     * disable it, since a FAILED grant is never revoked; else the account is as it was.
     */
    private String undo(GrantId id) {
        try (AdminSession s = AdminSession.open(settings)) {
            Optional<RoleInfo> info = s.role(account);
            if (info.isEmpty() || !GrantRoles.holder(info.get().comment()).equals(Optional.of(id))
                    || !info.get().canLogin()) {
                return "; the shared account " + account + " was left as it was";
            }
            revoke(id);
            return "; the shared account " + account + " was disabled again";
        } catch (Failure f) {
            LOG.warn("postgres grant {} on {}: disabling the shared account {} after the failure failed too: {}", id,
                    target, account, f.getMessage());
            return "; disabling the shared account " + account + " failed too (" + f.getMessage() + ")";
        }
    }

    /**
     * Disables the account, gives it a password nobody knows, takes back the configured roles, and ends its
     * sessions. Idempotent. Leaves the account alone when another grant holds it now (this grant's access ended
     * when that one took over).
     *
     * Its {@code SECURITY DEFINER} routines, wherever they came from, are disarmed ({@link OrphanOwner#disarmDefiners}).
     *
     * @return sessions terminated (-1 when the account was left alone) and the routines disarmed
     */
    Released revoke(GrantId id) throws Failure {
        String q = Sql.identifier(account);
        try (AdminSession s = AdminSession.open(settings)) {
            boolean superuser = s.self().superuser();
            List<LeftBehind> disarmed = s.inTransaction(account, () -> {
                Optional<RoleInfo> info = s.role(account);
                if (info.isEmpty()) {
                    return null;
                }
                if (heldByAnother(info.get(), id)) {
                    return null;
                }
                s.execute("ALTER ROLE " + q + " WITH NOLOGIN PASSWORD " + Sql.literal(Passwords.unknowable()),
                        "disable login of the shared account " + account);
                revokeConfigured(s, Optional.empty());
                s.execute("COMMENT ON ROLE " + q + " IS " + Sql.literal(GrantRoles.idleComment(id, clock.instant())),
                        "mark the shared account " + account + " as idle");
                return OrphanOwner.disarmDefiners(s, account, superuser);
            });
            // After the commit: no new session can start, so none slips in after the terminations.
            return disarmed == null ? new Released(-1, List.of())
                    : new Released(s.terminateSessions(account), disarmed);
        }
    }

    /**
     * What a shared-account revoke did.
     *
     * @param ended    sessions terminated, or -1 when the account was left alone (gone, or held by another grant)
     * @param disarmed the account's {@code SECURITY DEFINER} routines, now running as their caller and executable by
     *                 nobody
     */
    record Released(int ended, List<LeftBehind> disarmed) {
    }

    /** Whether {@code id}'s access is gone: the account cannot log in and has no session, or another grant took over. */
    boolean verify(GrantId id) throws Failure {
        try (AdminSession s = AdminSession.open(settings)) {
            Optional<RoleInfo> info = s.role(account);
            if (info.isEmpty() || heldByAnother(info.get(), id)) {
                return true;
            }
            return !info.get().canLogin() && s.sessions(account) == 0;
        }
    }

    /**
     * Gives the idle account a fresh password nobody knows; an account that can log in (a grant holds it) is left
     * alone.
     *
     * @return whether the password was changed
     */
    boolean rotate() throws Failure {
        String q = Sql.identifier(account);
        try (AdminSession s = AdminSession.open(settings)) {
            return s.inTransaction(account, () -> {
                Optional<RoleInfo> info = s.role(account);
                if (info.isEmpty() || info.get().canLogin()) {
                    return false;
                }
                s.execute("ALTER ROLE " + q + " WITH PASSWORD " + Sql.literal(Passwords.unknowable()),
                        "rotate the password of the shared account " + account);
                return true;
            });
        }
    }

    /** Another grant holds the account and it is enabled: {@code id}'s password was replaced when it took over. */
    private static boolean heldByAnother(RoleInfo info, GrantId id) {
        Optional<GrantId> holder = GrantRoles.holder(info.comment());
        return info.canLogin() && holder.isPresent() && !holder.get().equals(id);
    }

    /** Revokes from the account every configured role it is a member of, except {@code keep}. */
    private void revokeConfigured(AdminSession s, Optional<String> keep) throws Failure {
        for (String role : s.memberships(account)) {
            if (settings.grantableRoles().contains(role) && !keep.equals(Optional.of(role))) {
                s.execute("REVOKE " + Sql.identifier(role) + " FROM " + Sql.identifier(account),
                        "revoke " + role + " from the shared account " + account);
            }
        }
    }
}
