package dev.breakglass.bot.slack.render;

import dev.breakglass.grant.Grant;
import dev.breakglass.policy.EmergencyKind;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy's emergency kinds, for showing what a grant was for. A grant keeps only its kind's id; its title and
 * the incident's link come from the policy in force when the grant is shown.
 *
 * <p>Edge cases: a grant that named no kind shows none; a kind the policy no longer has shows as its id, without a
 * link; a link needs both the kind's {@code link} and the grant's incident reference (the reference was checked
 * against the kind's pattern when the request was made, and is URL-encoded into the address).
 *
 * @param kinds the policy's {@code emergencies:}, in file order
 */
public record EmergencyKinds(List<EmergencyKind> kinds) {
    /** For a policy without emergency kinds. */
    public static final EmergencyKinds NONE = new EmergencyKinds(List.of());

    public EmergencyKinds {
        kinds = List.copyOf(kinds);
    }

    /** The kind {@code grant} named, as the policy defines it now; empty for none or one no longer defined. */
    public Optional<EmergencyKind> of(Grant grant) {
        return grant.kind().flatMap(id -> kinds.stream().filter(k -> k.id().equals(id)).findFirst());
    }

    /** What people read for the grant's kind: its title, or its id once the policy no longer has it; "" for none. */
    public String title(Grant grant) {
        return of(grant).map(EmergencyKind::title).orElse(grant.kind().orElse(""));
    }

    /** The incident's address, "" without one. */
    public String incidentLink(Grant grant) {
        return of(grant).flatMap(k -> grant.incident().flatMap(k::linkTo)).orElse("");
    }

    /** The template variables {@code kind} and {@code incidentLink} of {@code grant}, added to {@code data}. */
    void addTo(Map<String, Object> data, Grant grant) {
        data.put("kind", title(grant));
        data.put("incidentLink", incidentLink(grant));
    }
}
