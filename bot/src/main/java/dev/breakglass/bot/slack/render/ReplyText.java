package dev.breakglass.bot.slack.render;

import dev.breakglass.grant.Reply;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a core {@link Reply}: a named reply from the section its key names in its {@code reply-<area>} template,
 * other replies from their parts. Text is escaped (mrkdwn) and people are mentions; in plain text (a form's error,
 * which Slack shows as typed) text stays as written and people are {@code @id}.
 */
public final class ReplyText {
    /** The templates of the core's named replies, compiled at start. */
    public static final List<String> TEMPLATES = List.of("reply-grant", "reply-review", "reply-reveal",
            "reply-step-up", "reply-permission", "reply-access", "reply-extension",
            "reply-request", "reply-parse", "reply-text", "reply-duration", "reply-target", "reply-question");
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{1,31}");

    private final Templates templates;

    /**
     * Checks every reply template at start against its built-in copy (see {@link Templates#checkLikeBuiltIn}), so an
     * override missing a section or using an unknown variable stops the start, not a reply in an incident.
     */
    public ReplyText(Templates templates) {
        this.templates = templates;
        TEMPLATES.forEach(templates::checkLikeBuiltIn);
    }

    /** The reply as mrkdwn, cut to one section. */
    public String mrkdwn(Reply reply) {
        if (reply.isNamed()) {
            return SlackText.fit(said(reply), SlackText.SECTION_LIMIT);
        }
        StringBuilder out = new StringBuilder();
        for (Reply.Part part : reply.parts()) {
            switch (part) {
                case Reply.Part.Text t -> out.append(SlackText.escape(t.text()));
                case Reply.Part.Person p -> out.append(mention(p.userId()));
                case Reply.Part.People p -> out.append(String.join(", ", p.userIds().stream().map(ReplyText::mention).toList()));
                case Reply.Part.Said s -> out.append(said(s.reply()));
                case Reply.Part.SaidEach each -> out.append(String.join(", ", each.replies().stream().map(this::said).toList()));
            }
        }
        return SlackText.fit(out.toString(), SlackText.SECTION_LIMIT);
    }

    /** The reply as plain text, people as {@code @id}: for a form's error message. */
    public String plain(Reply reply) {
        return reply.isNamed()
                ? templates.sayPlain(reply.template(), reply.section(),
                        reply.values(text -> text, id -> "@" + id, this::plain))
                : reply.plain();
    }

    /**
     * A named reply as mrkdwn, uncut. Each value is made mrkdwn by its kind (text escaped, a person a mention, a reply
     * said inside this one rendered the same way), then the template is filled without further escaping: one place
     * escapes, so a said reply is not escaped twice and a text cannot slip through unescaped.
     */
    private String said(Reply reply) {
        return templates.sayPlain(reply.template(), reply.section(),
                reply.values(SlackText::escape, ReplyText::mention, this::said));
    }

    /** {@code <@U…>} for a real user id; anything else is shown as escaped text, never as markup. */
    public static String mention(String userId) {
        return USER_ID.matcher(userId).matches() ? "<@" + userId + ">" : SlackText.escape(userId);
    }
}
