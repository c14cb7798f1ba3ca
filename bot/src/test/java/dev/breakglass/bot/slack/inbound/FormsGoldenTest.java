package dev.breakglass.bot.slack.inbound;

import com.slack.api.util.json.GsonFactory;
import dev.breakglass.bot.config.PolicyLoader;
import dev.breakglass.bot.slack.render.CredentialsView;
import dev.breakglass.bot.slack.render.FormWords;
import dev.breakglass.bot.slack.render.Templates;
import dev.breakglass.bot.testing.Golden;
import dev.breakglass.bot.testing.SampleGrants;
import dev.breakglass.grant.GrantId;
import dev.breakglass.policy.Policy;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.StepUp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every modal the bot opens, as the JSON Slack receives, against the golden file {@code forms.txt} (see {@link Golden}
 * for the update switch): the words come from {@code forms.mustache}, the shape from the form classes.
 */
class FormsGoldenTest {
    private static final GrantId ID = new GrantId(7);
    private final FormWords forms = new FormWords(new Templates(Optional.empty(), List.of(FormWords.TEMPLATE)));
    private final Policy policy = new PolicyLoader().loadDemo();
    private final Policy stepUp = new PolicyLoader().parse("step-up.yml", """
            channels:
              approvals: C0APPROVALS
              notify: [C0SECURITY]
            targets:
              orders-db:
                adapter: webhook
                roles: [read-only, admin]
                max-duration: 1h
                approvers: [S0SRELEADS]
                step-up: both
            """);

    private static String json(Object view) {
        return GsonFactory.createSnakeCase().newBuilder().setPrettyPrinting().create().toJson(view);
    }

    @Test
    void eachModal() throws IOException {
        Golden.Cases cases = new Golden.Cases()
                .add("request", json(RequestForm.build(List.copyOf(policy.targets().values()), policy.emergencies(),
                        policy.justification(), forms)))
                .add("request, filled in", json(RequestForm.build(List.copyOf(policy.targets().values()),
                        policy.emergencies(), policy.justification(),
                        Optional.of(new RequestForm.Prefill("demo-db:admin", Duration.ofMinutes(5), Optional.of("breach"),
                                Optional.of("INC-42"), "Orders API returns 500s " + SampleGrants.HOSTILE)), forms)))
                .add("request, with a step-up code, no emergency kinds", json(RequestForm.build(
                        List.copyOf(stepUp.targets().values()), List.of(), stepUp.justification(), forms)))
                .add("review", json(ReviewForm.build(SampleGrants.emergency(), forms)))
                .add("review, not an emergency", json(ReviewForm.build(SampleGrants.active(), forms)))
                .add("deny", json(ReasonForm.build(ReasonForm.Decision.DENY, ID, forms)))
                .add("deny extension", json(ReasonForm.build(ReasonForm.Decision.DENY_EXTENSION, ID, forms)))
                .add("extend", json(ExtendForm.build(ID, policy.justification(), false, forms)))
                .add("extend, with a step-up code", json(ExtendForm.build(ID, policy.justification(), true, forms)));
        for (StepUpHandler.Guarded guarded : StepUpHandler.Guarded.values()) {
            cases.add("step-up code, " + guarded, json(StepUpHandler.codeModal(guarded, ID, forms)));
        }
        StepUp.Enrolment totp = new StepUp.Enrolment("Scan the code with your authenticator app.",
                Optional.of("otpauth://totp/Breakglass:U0ALICE?secret=EXAMPLEONLY&issuer=Breakglass"));
        cases.add("enrolment", json(StepUpHandler.enrolmentModal(totp,
                        Optional.of("https://breakglass.example/step-up/qr/sealed"), forms)))
                .add("enrolment, no QR image", json(StepUpHandler.enrolmentModal(totp, Optional.empty(), forms)))
                .add("enrolment, no link", json(StepUpHandler.enrolmentModal(
                        new StepUp.Enrolment("Ask security for a hardware key.", Optional.empty()),
                        Optional.empty(), forms)));
        cases.add("enrolment, the built-in code factor", json(StepUpHandler.enrolmentModal(new StepUp.Enrolment("",
                Optional.of("otpauth://totp/Breakglass:U0ALICE?secret=EXAMPLEONLY&issuer=Breakglass")),
                Optional.empty(), forms)));
        cases.assertMatches("forms.txt");
    }

    @Test
    void theCredentialsWindow() throws IOException {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("username", "bg_7_alice");
        fields.put("password", "example-only <not> & secret");
        fields.put("note", "");
        Credentials few = new Credentials(fields);
        Credentials longOne = new Credentials(java.util.Map.of("kubeconfig", "line of example config\n".repeat(300)));
        Credentials tooLong = new Credentials(java.util.Map.of("blob", "x".repeat(60 * 3000)));
        new Golden.Cases()
                .add("the only reveal", credentials(few, 0))
                .add("two more reveals", credentials(few, 2))
                .add("a value split over boxes", credentials(longOne, 0))
                .add("too large", credentials(tooLong, 0))
                .assertMatches("credentials.txt");
    }

    private String credentials(Credentials c, int remaining) {
        return switch (CredentialsView.build(ID, c, remaining, forms)) {
            case CredentialsView.Fitted.Fits fits -> json(fits.view());
            case CredentialsView.Fitted.TooLarge tooLarge -> "(too large) " + tooLarge.why();
        };
    }
}
