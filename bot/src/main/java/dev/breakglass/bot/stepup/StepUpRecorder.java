package dev.breakglass.bot.stepup;

import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.grant.GrantId;
import dev.breakglass.port.StepUpEvents;
import dev.breakglass.stepup.StepUpEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each {@link StepUpEvent} becomes: an audit entry (type {@code StepUp…}; on the grant the code was typed for,
 * so the post-mortem timeline shows it, else on grant 0), and for a lockout the alert in every notify channel, for a
 * reset the notice to the person ({@link StepUpAlerts}). Details name the action, the kind of failure and the count:
 * never a code or a secret.
 *
 * <p>An audit or Slack failure is logged and does not undo the step-up decision, which already happened.
 */
@Singleton
public class StepUpRecorder implements StepUpEvents {
    private static final Logger LOG = LoggerFactory.getLogger(StepUpRecorder.class);

    private final JdbcAuditLog audit;
    private final StepUpAlerts alerts;

    public StepUpRecorder(JdbcAuditLog audit, StepUpAlerts alerts) {
        this.audit = audit;
        this.alerts = alerts;
    }

    @Override
    public void publish(StepUpEvent event) {
        Map<String, Object> d = new LinkedHashMap<>();
        Optional<GrantId> grant = Optional.empty();
        String actor = event.user();
        String type = switch (event) {
            case StepUpEvent.Enrolled e -> {
                d.put("factor", e.factor());
                yield "StepUpEnrolled";
            }
            case StepUpEvent.Verified v -> {
                d.put("action", word(v.action()));
                grant = v.grant();
                yield "StepUpVerified";
            }
            case StepUpEvent.Failed f -> {
                f.action().ifPresent(a -> d.put("action", word(a)));
                d.put("failure", f.why().name().toLowerCase(java.util.Locale.ROOT));
                d.put("failures", f.failures());
                grant = f.grant();
                yield "StepUpFailed";
            }
            case StepUpEvent.LockedOut l -> {
                d.put("until", l.until().toString());
                grant = l.grant();
                yield "StepUpLockedOut";
            }
            case StepUpEvent.Reset r -> {
                d.put("user", r.user());
                actor = r.by();
                yield "StepUpReset";
            }
        };
        try {
            audit.append(event.at(), grant.map(GrantId::value).orElse(0L), type, actor, d);
        } catch (RuntimeException e) {
            LOG.error("Could not audit {} of {}: {}", type, event.user(), e.toString());
        }
        switch (event) {
            case StepUpEvent.LockedOut l -> alerts.lockedOut(l);
            case StepUpEvent.Reset r -> alerts.reset(r);
            case StepUpEvent.Enrolled e -> { }
            case StepUpEvent.Verified v -> { }
            case StepUpEvent.Failed f -> { }
        }
    }

    private static String word(dev.breakglass.policy.StepUpPolicy.Action action) {
        return action.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
