package dev.breakglass.bot.persistence;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakglass.bot.events.JdbcEventOutbox;
import dev.breakglass.event.GrantEvent;
import dev.breakglass.grant.Extension;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.GrantState;
import dev.breakglass.grant.NewGrant;
import dev.breakglass.grant.PostMortem;
import dev.breakglass.grant.Review;
import dev.breakglass.grant.ReviewQuestion;
import dev.breakglass.grant.Revocation;
import dev.breakglass.grant.SignOff;
import dev.breakglass.port.GrantStore;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@link GrantStore} on the {@code grants} table. {@link #update} is one
 * {@code UPDATE … WHERE id = ? AND version = ?}: the database decides which of two racing writers wins. The events
 * of a change go into the {@link JdbcEventOutbox} in the same transaction: both are stored, or neither.
 */
@Singleton
public class JdbcGrantStore implements GrantStore {
    private static final String COLUMNS = "id, version, state, requester, target, role, duration_s, justification,"
            + " incident, approvals_required, approved_by, emergency, decided_by, reason, handle, requested_at,"
            + " activated_at, expires_at, updated_at, revoked_by, revoke_reason, revoke_attempts, last_error,"
            + " lease_until, next_attempt_at, ended_at, ext_duration_s, ext_justification, ext_requested_at,"
            + " ext_approved_by, pm_opened_at, pm_reminders, pm_next_reminder_at, review_author, review_written_at,"
            + " review_answers, signed_off_by, signed_off_at, warned_for, pm_predates_reviews, step_up_verified, kind";
    private static final ObjectMapper JSON = JsonMappers.standard();

    private final DataSource dataSource;
    private final JdbcEventOutbox outbox;

    public JdbcGrantStore(DataSource dataSource, JdbcEventOutbox outbox) {
        this.dataSource = dataSource;
        this.outbox = outbox;
    }

    /** Work on one connection inside a transaction. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction; commits when it returns a present value or true, else rolls back. Wakes
     * the outbox's relay after a commit.
     */
    private <T> T inTransaction(String failure, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
                boolean keep = result instanceof Optional<?> o ? o.isPresent() : !Boolean.FALSE.equals(result);
                if (keep) {
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            outbox.committed();
            return result;
        } catch (SQLException e) {
            throw new PersistenceException(failure, e);
        }
    }

    @Override
    public Grant create(NewGrant request, Function<Grant, List<GrantEvent>> events) {
        return inTransaction("could not store a new grant", c -> {
            Grant created = insert(c, request);
            outbox.append(c, events.apply(created), Optional.empty());
            return created;
        });
    }

    @Override
    public boolean record(GrantEvent event, boolean oncePerGrant) {
        return inTransaction("could not record " + event.getClass().getSimpleName() + " of " + event.grant().id(),
                c -> outbox.append(c, List.of(event), oncePerGrant
                        ? Optional.of(event.getClass().getSimpleName() + "@" + event.grant().id().value())
                        : Optional.empty()));
    }

    private Grant insert(Connection c, NewGrant request) throws SQLException {
        String sql = "INSERT INTO grants (version, state, requester, target, role, duration_s, justification,"
                + " incident, approvals_required, requested_at, updated_at, step_up_verified, kind)"
                + " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            ps.setString(1, GrantState.PENDING.name());
            ps.setString(2, request.requester());
            ps.setString(3, request.target());
            setOptional(ps, 4, request.role());
            ps.setLong(5, request.duration().getSeconds());
            ps.setString(6, request.justification());
            setOptional(ps, 7, request.incident());
            ps.setInt(8, request.approvalsRequired());
            setInstant(ps, 9, request.requestedAt());
            setInstant(ps, 10, request.requestedAt());
            ps.setString(11, request.stepUpVerified() ? request.requester() : "");
            setOptional(ps, 12, request.kind());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new PersistenceException("the database returned no id for a new grant", null);
                }
                return Grant.pending(new GrantId(keys.getLong(1)), request);
            }
        }
    }

    @Override
    public Optional<Grant> find(GrantId id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM grants WHERE id = ?")) {
            ps.setLong(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read " + id, e);
        }
    }

    @Override
    public Optional<Grant> update(Grant changed, Function<Grant, List<GrantEvent>> events) {
        return inTransaction("could not update " + changed.id(), c -> {
            Optional<Grant> saved = save(c, changed);
            if (saved.isPresent()) {
                outbox.append(c, events.apply(saved.get()), Optional.empty());
            }
            return saved;
        });
    }

    private Optional<Grant> save(Connection c, Grant changed) throws SQLException {
        // Requester, target, justification and request time never change after the request.
        String sql = "UPDATE grants SET version = version + 1, state = ?, role = ?, duration_s = ?, incident = ?,"
                + " approvals_required = ?, approved_by = ?, emergency = ?, decided_by = ?, reason = ?, handle = ?,"
                + " activated_at = ?, expires_at = ?, updated_at = ?, revoked_by = ?, revoke_reason = ?,"
                + " revoke_attempts = ?, last_error = ?, lease_until = ?, next_attempt_at = ?, ended_at = ?,"
                + " ext_duration_s = ?, ext_justification = ?, ext_requested_at = ?, ext_approved_by = ?,"
                + " pm_opened_at = ?, pm_reminders = ?, pm_next_reminder_at = ?, review_author = ?,"
                + " review_written_at = ?, review_answers = ?, signed_off_by = ?, signed_off_at = ?, warned_for = ?,"
                + " step_up_verified = ?"
                + " WHERE id = ? AND version = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, changed.state().name());
            setOptional(ps, 2, changed.role());
            ps.setLong(3, changed.duration().getSeconds());
            setOptional(ps, 4, changed.incident());
            ps.setInt(5, changed.approvalsRequired());
            ps.setString(6, String.join(",", changed.approvedBy()));
            ps.setBoolean(7, changed.emergency());
            setOptional(ps, 8, changed.decidedBy());
            setOptional(ps, 9, changed.reason());
            setOptional(ps, 10, changed.handle());
            setInstant(ps, 11, changed.activatedAt().orElse(null));
            setInstant(ps, 12, changed.expiresAt().orElse(null));
            setInstant(ps, 13, changed.updatedAt());
            Revocation r = changed.revocation();
            setOptional(ps, 14, r.revokedBy());
            setOptional(ps, 15, r.reason());
            ps.setInt(16, r.attempts());
            setOptional(ps, 17, r.lastError());
            setInstant(ps, 18, r.leaseUntil().orElse(null));
            setInstant(ps, 19, r.nextAttemptAt().orElse(null));
            setInstant(ps, 20, r.endedAt().orElse(null));
            Optional<Extension> e = changed.extension();
            if (e.isPresent()) {
                ps.setLong(21, e.get().duration().getSeconds());
            } else {
                ps.setNull(21, Types.BIGINT);
            }
            setOptional(ps, 22, e.map(Extension::justification));
            setInstant(ps, 23, e.map(Extension::requestedAt).orElse(null));
            setOptional(ps, 24, e.map(x -> String.join(",", x.approvedBy())));
            PostMortem pm = changed.postMortem();
            setInstant(ps, 25, pm.openedAt().orElse(null));
            ps.setInt(26, pm.reminders());
            setInstant(ps, 27, pm.nextReminderAt().orElse(null));
            setOptional(ps, 28, pm.review().map(Review::author));
            setInstant(ps, 29, pm.review().map(Review::writtenAt).orElse(null));
            setOptional(ps, 30, pm.review().map(written -> answersJson(written.answers())));
            setOptional(ps, 31, pm.signOff().map(SignOff::by));
            setInstant(ps, 32, pm.signOff().map(SignOff::at).orElse(null));
            setInstant(ps, 33, changed.warnedFor().orElse(null));
            ps.setString(34, String.join(",", changed.stepUpVerified()));
            ps.setLong(35, changed.id().value());
            ps.setLong(36, changed.version());
            if (ps.executeUpdate() != 1) {
                return Optional.empty();
            }
            return Optional.of(changed.savedAs(changed.version() + 1));
        }
    }

    @Override
    public int countRequestedSince(String requester, Instant since) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*) FROM grants WHERE requester = ? AND requested_at >= ?")) {
            ps.setString(1, requester);
            setInstant(ps, 2, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not count the recent requests of " + requester, e);
        }
    }

    @Override
    public List<Grant> findNewestByState(Set<GrantState> states, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Grant> newest = new ArrayList<>(inStates(states, " ORDER BY id DESC LIMIT " + limit));
        java.util.Collections.reverse(newest);
        return newest;
    }

    @Override
    public List<Grant> findByState(Set<GrantState> states) {
        return inStates(states, " ORDER BY id");
    }

    /** Grants in any of {@code states}, with {@code order} (an ORDER BY and perhaps a LIMIT) appended. */
    private List<Grant> inStates(Set<GrantState> states, String order) {
        if (states.isEmpty()) {
            return List.of();
        }
        String marks = states.stream().map(s -> "?").collect(Collectors.joining(", "));
        return list("SELECT " + COLUMNS + " FROM grants WHERE state IN (" + marks + ")" + order, ps -> {
            int i = 1;
            for (GrantState s : states) {
                ps.setString(i++, s.name());
            }
        }, "grants in " + states);
    }

    @Override
    public List<Grant> findPostMortemsDue(Instant now) {
        String sql = "SELECT " + COLUMNS + " FROM grants WHERE state IN (?, ?)"
                + " AND NOT pm_predates_reviews AND (pm_opened_at IS NULL OR pm_next_reminder_at <= ?) ORDER BY id";
        return list(sql, ps -> {
            ps.setString(1, GrantState.EXPIRED.name());
            ps.setString(2, GrantState.REVOKED.name());
            setInstant(ps, 3, now);
        }, "post-mortems due");
    }

    /** Sets a query's parameters. */
    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    private List<Grant> list(String sql, Parameters parameters, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            parameters.set(ps);
            List<Grant> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new PersistenceException("could not list " + what, e);
        }
    }

    private static Grant read(ResultSet rs) throws SQLException {
        return new Grant(
                new GrantId(rs.getLong("id")),
                rs.getLong("version"),
                GrantState.valueOf(rs.getString("state")),
                rs.getString("requester"),
                rs.getString("target"),
                Optional.ofNullable(rs.getString("role")),
                Duration.ofSeconds(rs.getLong("duration_s")),
                rs.getString("justification"),
                Optional.ofNullable(rs.getString("incident")),
                Optional.ofNullable(rs.getString("kind")),
                rs.getInt("approvals_required"),
                approvers(rs.getString("approved_by")),
                rs.getBoolean("emergency"),
                Optional.ofNullable(rs.getString("decided_by")),
                Optional.ofNullable(rs.getString("reason")),
                Optional.ofNullable(rs.getString("handle")),
                instant(rs, "requested_at").orElseThrow(),
                instant(rs, "activated_at"),
                instant(rs, "expires_at"),
                instant(rs, "updated_at").orElseThrow(),
                new Revocation(
                        Optional.ofNullable(rs.getString("revoked_by")),
                        Optional.ofNullable(rs.getString("revoke_reason")),
                        rs.getInt("revoke_attempts"),
                        Optional.ofNullable(rs.getString("last_error")),
                        instant(rs, "lease_until"),
                        instant(rs, "next_attempt_at"),
                        instant(rs, "ended_at")),
                extension(rs),
                postMortem(rs),
                instant(rs, "warned_for"),
                approvers(rs.getString("step_up_verified")));
    }

    private static PostMortem postMortem(ResultSet rs) throws SQLException {
        String author = rs.getString("review_author");
        Optional<Review> review = author == null ? Optional.empty() : Optional.of(new Review(author,
                instant(rs, "review_written_at").orElseThrow(), answers(rs.getString("review_answers"))));
        String signer = rs.getString("signed_off_by");
        Optional<SignOff> signOff = signer == null ? Optional.empty()
                : Optional.of(new SignOff(signer, instant(rs, "signed_off_at").orElseThrow()));
        return new PostMortem(instant(rs, "pm_opened_at"), rs.getInt("pm_reminders"),
                instant(rs, "pm_next_reminder_at"), review, signOff, rs.getBoolean("pm_predates_reviews"));
    }

    /** The answers as JSON keyed by {@link ReviewQuestion#key()}, so reordering the enum changes nothing stored. */
    private static String answersJson(Map<ReviewQuestion, String> answers) {
        Map<String, String> byKey = new LinkedHashMap<>();
        answers.forEach((q, a) -> byKey.put(q.key(), a));
        try {
            return JSON.writeValueAsString(byKey);
        } catch (JsonProcessingException e) {
            throw new PersistenceException("could not write review answers", e);
        }
    }

    private static Map<ReviewQuestion, String> answers(String json) {
        Map<String, String> byKey;
        try {
            byKey = JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new PersistenceException("stored review answers are not JSON", e);
        }
        Map<ReviewQuestion, String> out = new EnumMap<>(ReviewQuestion.class);
        byKey.forEach((k, v) -> ReviewQuestion.byKey(k).ifPresent(q -> out.put(q, v)));
        return out;
    }

    private static Optional<Extension> extension(ResultSet rs) throws SQLException {
        long seconds = rs.getLong("ext_duration_s");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        return Optional.of(new Extension(Duration.ofSeconds(seconds), rs.getString("ext_justification"),
                instant(rs, "ext_requested_at").orElseThrow(), approvers(rs.getString("ext_approved_by"))));
    }

    private static List<String> approvers(String column) {
        return column == null || column.isEmpty() ? List.of() : List.of(column.split(","));
    }

    static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }

    static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, value.atOffset(ZoneOffset.UTC));
        }
    }

    static void setOptional(PreparedStatement ps, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            ps.setString(index, value.get());
        } else {
            ps.setNull(index, Types.VARCHAR);
        }
    }
}
