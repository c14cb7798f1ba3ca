package dev.breakglass.bot.persistence;

import dev.breakglass.grant.GrantId;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Where each grant's request card was posted in Slack (channel and ts), so every change updates it in place. */
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
}
