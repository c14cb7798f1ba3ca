package dev.breakglass.bot.persistence;

import dev.breakglass.grant.GrantId;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where each grant's request card was posted in Slack (channel and ts), so every change updates it in place,
 * and the ts of its post-mortem's opening message in the card's thread.
 */
@Singleton
public class JdbcCardStore {
    /** A posted card. */
    public record Card(String channel, String ts) {
    }

    private final DataSource dataSource;

    public JdbcCardStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Remembers the card; a grant has one card, so a second save for the same grant is ignored. */
    public void save(GrantId grant, Card card) {
        String sql = "INSERT INTO slack_cards (grant_id, channel, ts) SELECT ?, ?, ? WHERE NOT EXISTS "
                + "(SELECT 1 FROM slack_cards WHERE grant_id = ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, grant.value());
            ps.setString(2, card.channel());
            ps.setString(3, card.ts());
            ps.setLong(4, grant.value());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("could not remember the card of " + grant, e);
        }
    }

    public Optional<Card> find(GrantId grant) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT channel, ts FROM slack_cards WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Card(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the card of " + grant, e);
        }
    }

    /**
     * Remembers the post-mortem's opening message of a grant whose card is stored; a second save keeps the first.
     *
     * @return false when the grant has no card or already has a post-mortem message
     */
    public boolean savePostMortem(GrantId grant, String ts) {
        String sql = "UPDATE slack_cards SET post_mortem_ts = ? WHERE grant_id = ? AND post_mortem_ts IS NULL";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ts);
            ps.setLong(2, grant.value());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new PersistenceException("could not remember the post-mortem of " + grant, e);
        }
    }

    /** The ts of the post-mortem's opening message, in the card's channel. */
    public Optional<String> postMortem(GrantId grant) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT post_mortem_ts FROM slack_cards WHERE grant_id = ?")) {
            ps.setLong(1, grant.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("could not read the post-mortem of " + grant, e);
        }
    }
}
