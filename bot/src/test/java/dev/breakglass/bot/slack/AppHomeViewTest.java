package dev.breakglass.bot.slack;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import dev.breakglass.bot.slack.render.HomeView;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.grant.Grant;
import dev.breakglass.grant.GrantId;
import dev.breakglass.grant.NewGrant;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Home view as a pure function: Slack's limits hold however many grants and however long the text. */
class AppHomeViewTest {
    private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
    private final HomeView home = new HomeView(new Templates(Optional.empty(), HomeView.TEMPLATES), dev.breakglass.bot.slack.render.EmergencyKinds.NONE);

    private static Grant grant(long id, String why) {
        return Grant.pending(new GrantId(id), new NewGrant("U0ALICE", "orders-db", Optional.of("admin"),
                Duration.ofMinutes(30), why, Optional.empty(), 1, NOW));
    }

    @Test
    void hundredsOfGrantsInEverySectionStayWithinTheLimits() {
        String longWhy = "x<!channel>&".repeat(2000);
        List<Grant> many = LongStream.rangeClosed(1, 300).mapToObj(i -> grant(i, longWhy)).toList();
        List<LayoutBlock> blocks = home.blocks("U0BOB", new HomeView.Sections(many, many, many, many), NOW);
        assertTrue(blocks.size() <= HomeView.MAX_BLOCKS, "blocks: " + blocks.size());
        for (LayoutBlock b : blocks) {
            if (b instanceof SectionBlock s) {
                assertTrue(s.getText().getText().length() <= 3000, s.getText().getText().length() + " chars");
                assertTrue(!s.getText().getText().contains("<!channel>"), s.getText().getText());
            }
        }
        long buttons = blocks.stream().filter(b -> b instanceof SectionBlock s && s.getAccessory() != null)
                .count();
        assertEquals(2 * HomeView.ITEMS_PER_SECTION, buttons, "Approve on approvals, Write review on reviews");
        assertTrue(blocks.toString().contains("and 290 more"), "more line");
    }

    @Test
    void emptyHomeIsSmallAndFriendly() {
        List<LayoutBlock> blocks = home.blocks("U0DAVE", HomeView.Sections.empty(), NOW);
        assertEquals(9, blocks.size()); // intro + 4 × (divider + heading)
        assertTrue(blocks.toString().contains("Nothing needs your approval"), blocks.toString());
    }
}
