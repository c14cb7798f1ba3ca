package dev.breakglass.bot.slack.render;

import java.util.List;

/**
 * The words of the bot's modals (request, deny, extend, step-up code, step-up enrolment, review, credentials), from
 * {@code forms.mustache}: one section per title, label, hint and button. Most are plain text (Slack shows a modal's
 * title, labels and hints as typed); the few sentences shown as mrkdwn inside a modal are {@link #mrkdwn}.
 *
 * <p>Edge cases: Slack cuts a modal title at 24 characters and refuses the view when it is longer, so keep an
 * override's titles short; every section is rendered at start, so a missing one stops the start.
 */
public final class FormWords {
    /** The template. */
    public static final String TEMPLATE = "forms";
    private static final List<String> SECTIONS = List.of(
            "cancel", "back",
            "requestTitle", "requestSubmit", "targetLabel", "targetChoice", "durationLabel", "durationHint",
            "incidentLabel", "incidentHint", "justificationLabel", "justificationHint", "requestCodeLabel",
            "requestCodeHint", "chooseTarget", "durationFormat",
            "denyTitle", "denyExtensionTitle", "denySubmit", "reasonLabel",
            "extendTitle", "extendSubmit", "extraTimeLabel", "extraTimeHint", "extendWhyLabel",
            "codeLabel", "codeHint", "firstCodeLabel",
            "stepUpTitle", "approveVerb", "breakGlassVerb", "approveExtensionVerb", "stepUpNeeds",
            "enrolTitle", "enrolSubmit", "enrolScanCode", "qrAlt", "enrolByHand",
            "reviewTitle", "reviewSubmit", "reviewIntro", "reviewActivity",
            "credentialsTitle", "credentialsDone", "credentialsEmpty", "credentialsSplit", "credentialsLastReveal",
            "credentialsReveals", "credentialsTooLarge");
    private static final List<String> VARIABLES = List.of("id", "target", "role", "max", "hint", "verb", "uri",
            "duration", "emergency", "summary", "remaining", "sections");

    private final Templates templates;
    private final ReplyText replies;

    public FormWords(Templates templates) {
        this.templates = templates;
        this.replies = new ReplyText(templates);
        templates.check(TEMPLATE, SECTIONS, VARIABLES); // a broken override stops the start
    }

    /** Section {@code section} as plain text; {@code args} are name, value pairs. */
    public String plain(String section, Object... args) {
        return templates.sayPlain(TEMPLATE, section, Templates.vars(args));
    }

    /** A core reply shown in a form (a review question, a field's problem): plain text, as Slack shows it. */
    public String plain(dev.breakglass.grant.Reply reply) {
        return replies.plain(reply);
    }

    /** Section {@code section} as mrkdwn, its values escaped; {@code args} are name, value pairs. */
    public String mrkdwn(String section, Object... args) {
        return templates.say(TEMPLATE, section, Templates.vars(args));
    }
}
