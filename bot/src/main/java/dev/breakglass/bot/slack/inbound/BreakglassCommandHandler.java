package dev.breakglass.bot.slack.inbound;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.methods.SlackApiException;
import dev.breakglass.bot.slack.render.CommandReplies;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.ReplyText;
import dev.breakglass.bot.slack.render.SlackText;
import dev.breakglass.command.BreakglassCommand;
import dev.breakglass.command.CommandParser;
import dev.breakglass.command.ParseError;
import dev.breakglass.command.ParseResult;
import dev.breakglass.grant.AccessService;
import dev.breakglass.grant.ExtensionService;
import dev.breakglass.grant.QueryService;
import dev.breakglass.grant.RequestDraft;
import dev.breakglass.grant.RequestService;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.stepup.StepUpService;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /breakglass …}: parses the text once and answers ephemerally, in the acknowledgement itself (so the
 * answer arrives within Slack's 3 seconds, over HTTP and Socket Mode alike). No text opens the request form;
 * {@code review <id>} opens the review form (or says why it cannot).
 *
 * <p>{@code revoke} calls the target (revoke, verify), which may take longer than Slack waits: it is acknowledged
 * at once and carried out after ({@link AfterAck}); its answer follows through the command's response URL.
 */
@Singleton
public class BreakglassCommandHandler implements BoltRegistration {
    /** The slash command, as declared in the Slack app manifest. */
    public static final String COMMAND = "/breakglass";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BreakglassCommandHandler.class);

    private final CommandParser parser;
    private final CommandReplies replies;
    private final RequestService requests;
    private final AccessService access;
    private final ExtensionService extensions;
    private final QueryService queries;
    private final Policy policy;
    private final ReviewHandler reviews;
    private final AfterAck later;
    private final StepUpHandler stepUp;
    private final StepUpService stepUps;
    private final ReplyText words;
    private final FormWords forms;

    public BreakglassCommandHandler(Policy policy, CommandReplies replies, RequestService requests,
                                    AccessService access, ExtensionService extensions, QueryService queries,
                                    ReviewHandler reviews, AfterAck later, StepUpHandler stepUp,
                                    StepUpService stepUps, ReplyText words, FormWords forms) {
        this.words = words;
        this.forms = forms;
        this.stepUp = stepUp;
        this.stepUps = stepUps;
        this.later = later;
        this.parser = new CommandParser(policy.justification());
        this.replies = replies;
        this.requests = requests;
        this.access = access;
        this.extensions = extensions;
        this.queries = queries;
        this.policy = policy;
        this.reviews = reviews;
    }

    @Override
    public void registerOn(App app) {
        app.command(COMMAND, (req, ctx) -> {
            String user = req.getPayload().getUserId();
            ParseResult result = parser.parse(SlackText.unescape(req.getPayload().getText()));
            String answer = switch (result) {
                case ParseError error -> replies.parseError(error);
                case BreakglassCommand command -> answer(ctx, user, req.getPayload().getTriggerId(), command);
            };
            return answer.isEmpty() ? ctx.ack() : ctx.ack(r -> r.responseType("ephemeral").text(answer));
        });
    }

    /** An ephemeral answer through the command's response URL, for what is answered after the acknowledgement. */
    private static void respond(SlashCommandContext ctx, String mrkdwn) {
        try {
            var r = ctx.respond(b -> b.responseType("ephemeral").text(mrkdwn));
            if (r.getCode() != 200) {
                LOG.warn("Slack did not take the answer to a command: HTTP {}", r.getCode());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not answer a command: {}", e.toString());
        }
    }

    /**
     * The mrkdwn answer to one command ("" for none: a modal opened, or the answer follows through the response
     * URL). Exhaustive: a new subcommand does not compile until it is answered here.
     */
    private String answer(SlashCommandContext ctx, String user, String triggerId, BreakglassCommand command)
            throws IOException, SlackApiException {
        return switch (command) {
            case BreakglassCommand.OpenForm f -> openForm(ctx, user, triggerId);
            case BreakglassCommand.Help h -> replies.help(queries.invocableKinds(user));
            case BreakglassCommand.Request r -> stepUp.requiredForRequest(r.target().target())
                    ? requestWithStepUp(ctx, user, triggerId, r) : request(user, r);
            case BreakglassCommand.Revoke r -> {
                // The target is called (revoke, verify), which may take longer than Slack waits: answer later.
                later.run(Optional.of(r.id()), text -> respond(ctx, text),
                        () -> words.mrkdwn(access.revoke(r.id(), user, r.reason()).reply()));
                yield "";
            }
            case BreakglassCommand.Extend e -> words.mrkdwn(extensions.requestExtension(e.id(), user, e.duration(),
                    e.justification()).reply());
            case BreakglassCommand.Review r -> queries.status(r.id(), user).isEmpty() ? notVisible(r.id())
                    : reviews.openForm(ctx.client(), triggerId, user, r.id()).orElse("");
            case BreakglassCommand.Audit a -> queries.timeline(a.id(), user).map(entries -> replies.auditTimeline(
                    a.id().toString(), entries.stream().map(e -> new CommandReplies.AuditLine(e.at(), e.type(),
                            e.actor(), e.details().entrySet().stream()
                            .map(d -> d.getKey() + "=" + d.getValue())
                            .collect(java.util.stream.Collectors.joining(", ")))).toList()))
                    .orElse(notVisible(a.id()));
            case BreakglassCommand.ListGrants l -> replies.list(queries.openGrantsVisibleTo(user));
            case BreakglassCommand.Status st -> queries.status(st.id(), user).map(replies::status)
                    .orElse(notVisible(st.id()));
            case BreakglassCommand.MfaEnroll m -> stepUp.openEnrolment(ctx.client(), triggerId, user);
            case BreakglassCommand.MfaStatus m -> words.mrkdwn(stepUps.status(user));
            case BreakglassCommand.MfaReset reset -> words.mrkdwn(stepUps.reset(user, reset.user()));
        };
    }

    private String notVisible(dev.breakglass.grant.GrantId id) {
        return replies.notVisible(id);
    }

    private String request(String user, BreakglassCommand.Request r) {
        return words.mrkdwn(requests.request(user, new RequestDraft(r.target().target(), r.target().role(),
                Optional.of(r.duration()), r.justification(), r.incident(), r.kind())).reply());
    }

    /**
     * The one-line request of a target that asks for the requester's step-up: a slash command has no place for the
     * code, so the request form opens filled in with what was typed, and its code field. Someone not enrolled is
     * told how to enrol, with their command to send again.
     */
    private String requestWithStepUp(SlashCommandContext ctx, String user, String triggerId,
                                     BreakglassCommand.Request r) throws IOException, SlackApiException {
        if (!stepUps.enrolled(user)) {
            return words.mrkdwn(dev.breakglass.stepup.StepUpService.howToEnrol(replies.plainAnswer("requesting",
                    "target", r.target().target()))) + " " + replies.answer("requestAgain", "ref", r.target().toString(),
                    "duration", dev.breakglass.command.DurationText.format(r.duration()),
                    "options", (r.kind().map(k -> "kind:" + k + " ").orElse("")
                            + r.incident().map(i -> "incident:" + i + " ").orElse("")).replace('`', '\''),
                    "justification", r.justification().replace('`', '\'')); // a backtick would end the code span
        }
        List<TargetPolicy> mine = queries.requestableTargets(user);
        if (mine.stream().noneMatch(t -> t.name().equals(r.target().target()))) {
            return request(user, r); // the core says why (not a requester): no form for a target you may not request
        }
        String choice = r.target().target() + r.target().role().map(role -> ":" + role).orElse("");
        var opened = ctx.client().viewsOpen(b -> b.triggerId(triggerId).view(RequestForm.build(mine,
                queries.invocableKinds(user), policy.justification(), Optional.of(new RequestForm.Prefill(choice,
                        r.duration(), r.kind(), r.incident(), r.justification())), forms)));
        if (!opened.isOk()) {
            return replies.answer("formNotOpened", "error", opened.getError());
        }
        return replies.answer("requestNeedsStepUp", "target", r.target().target());
    }

    /**
     * Opens the request modal within Slack's trigger window; the acknowledgement then says nothing, or why
     * there is no form (no target the user may request, or Slack refused the modal).
     */
    private String openForm(SlashCommandContext ctx, String user, String triggerId)
            throws IOException, SlackApiException {
        List<TargetPolicy> mine = queries.requestableTargets(user);
        if (mine.isEmpty()) {
            return replies.noTarget();
        }
        var opened = ctx.client().viewsOpen(b -> b.triggerId(triggerId)
                .view(RequestForm.build(mine, queries.invocableKinds(user), policy.justification(), forms)));
        if (!opened.isOk()) {
            return replies.answer("formNotOpenedUseCommand", "error", opened.getError());
        }
        return "";
    }
}
