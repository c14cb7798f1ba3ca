package dev.breakglass.bot.slack.render;

import dev.breakglass.grant.Reply;

import java.util.regex.Pattern;

/** Renders a core {@link Reply} as mrkdwn: text escaped, people as mentions. */
public final class ReplyText {
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{1,31}");

    private ReplyText() {
    }

    public static String mrkdwn(Reply reply) {
        StringBuilder out = new StringBuilder();
        for (Reply.Part part : reply.parts()) {
            if (part instanceof Reply.Part.Text t) {
                out.append(SlackText.escape(t.text()));
            } else if (part instanceof Reply.Part.Person p) {
                out.append(mention(p.userId()));
            }
        }
        return SlackText.fit(out.toString(), SlackText.SECTION_LIMIT);
    }

    /** {@code <@U…>} for a real user id; anything else is shown as escaped text, never as markup. */
    public static String mention(String userId) {
        return USER_ID.matcher(userId).matches() ? "<@" + userId + ">" : SlackText.escape(userId);
    }
}
