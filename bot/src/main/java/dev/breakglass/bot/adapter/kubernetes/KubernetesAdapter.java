package dev.breakglass.bot.adapter.kubernetes;

import dev.breakglass.grant.GrantId;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code kubernetes} target: a grant is one RBAC binding, {@code breakglass-bg-<n>}, of the requester's own
 * user name (and the configured groups) to the mapped role — a RoleBinding in {@code settings.namespace}, else a
 * ClusterRoleBinding. It carries the labels {@value #MANAGED_BY_LABEL}{@code : breakglass} and
 * {@value #GRANT_LABEL}{@code : bg-<n>}, by which revoke and verify find it.
 *
 * <p>Edge cases:
 * <ul>
 *   <li>{@link #grant} is idempotent per grant: the name is fixed, so a second call finds the binding and brings it
 *       up to date (a changed role is deleted and made anew, since a binding's role cannot change). A binding of
 *       that name that Breakglass did not make for this grant is never touched: the grant is refused. Whenever
 *       {@code grant} throws it first deletes every binding labelled with the grant, so nothing is left behind — also
 *       not from an earlier attempt that crashed.</li>
 *   <li>No credentials are issued: {@link Provisioned#credentials()} is empty.</li>
 *   <li>{@link #revoke} deletes every binding labelled with the grant, where the handle says it was made and where
 *       the settings say now; none found is success. Kubernetes has no session to end: every request is authorised
 *       when it is made, so open {@code kubectl} sessions and issued tokens lose the access the moment the binding
 *       is gone (a {@code kubectl exec} or port-forward stream already open is not cut by RBAC).</li>
 *   <li>{@link #verifyRevoked} is true when no binding labelled with the grant is left in those places.</li>
 *   <li>Kubernetes cannot expire a binding by itself: {@value #EXPIRES_AT} records the end for people and for an
 *       out-of-band sweeper, but the binding stays until the bot revokes it.</li>
 * </ul>
 * Messages and logs name the grant, the target, the binding and the API server's origin, never the token. The
 * adapter is thread-safe.
 */
public final class KubernetesAdapter implements TargetAdapter {
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "breakglass";
    public static final String GRANT_LABEL = "breakglass.dev/grant";
    public static final String EXPIRES_AT = "breakglass.dev/expires-at";
    public static final String REQUESTER = "breakglass.dev/requester";
    public static final String JUSTIFICATION = "breakglass.dev/justification";
    public static final String TARGET = "breakglass.dev/target";
    public static final String ROLE = "breakglass.dev/role";
    /** Code points of the justification kept in the annotation; the full text is in the bot's audit log. */
    static final int JUSTIFICATION_MAX = 256;

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesAdapter.class);

    private final String target;
    private final KubernetesSettings settings;
    private final KubernetesClient client;

    KubernetesAdapter(String target, KubernetesSettings settings, KubernetesClient client) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The binding's name for a grant: {@code breakglass-bg-<n>}. */
    public static String bindingName(GrantId id) {
        return "breakglass-" + grantLabel(id);
    }

    /** The {@value #GRANT_LABEL} label's value: {@code bg-<n>} (label values are lower-case friendly). */
    public static String grantLabel(GrantId id) {
        return "bg-" + id.value();
    }

    /** The settings in use (whose {@code toString} hides the token). */
    public KubernetesSettings settings() {
        return settings;
    }

    /**
     * Binds the requester to the mapped role.
     *
     * @return the binding's {@link BindingHandle} as JSON, and no credentials
     * @throws TargetException when the grant's role has no mapping, the requester has no usable name (no email in
     *                         Slack), a foreign binding has the name, or the API server refuses or cannot be reached;
     *                         the message says whether bindings for the grant were removed
     */
    @Override
    public Provisioned grant(GrantRequest request) throws TargetException {
        Objects.requireNonNull(request, "request");
        BindingHandle handle = new BindingHandle(settings.namespace(), bindingName(request.id()));
        try {
            BoundRole role = settings.roleFor(request.role()).orElseThrow(() -> new TargetException(
                    describe("grant", request.id()) + " refused: " + request.role()
                            .map(r -> "settings.roles has no mapping for the role " + r)
                            .orElse("the grant names no role and settings.roles has more than one entry")));
            String user = settings.user().userName(request, target);
            HasMetadata desired = binding(handle, request, role, user);
            String done = apply(desired, request.id());
            LOG.info("kubernetes grant {} on {}: {} {} {} User {} to {}", request.id(), target, done, handle.kind(),
                    where(handle), user, role);
            return new Provisioned(request, handle.toJson(), Optional.empty());
        } catch (TargetException e) {
            throw undo(request.id(), handle, e.getMessage());
        } catch (KubernetesClientException e) {
            throw undo(request.id(), handle, describe("grant", request.id()) + " failed: " + reason(e));
        } catch (RuntimeException e) {
            // Whatever broke, the binding may exist: a FAILED grant is never revoked, so take it back here.
            throw undo(request.id(), handle, describe("grant", request.id()) + " failed unexpectedly ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Deletes every binding labelled with the grant; idempotent. */
    @Override
    public void revoke(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantId id = provisioned.request().id();
        try {
            int removed = 0;
            for (Optional<String> scope : scopes(provisioned.handle())) {
                removed += deleteLabelled(scope, id);
            }
            LOG.info("kubernetes revoke {} on {}: {} binding(s) deleted", id, target, removed);
        } catch (KubernetesClientException e) {
            throw failed("revoke", id, e);
        }
    }

    /** No built-in end (a binding lasts until it is deleted): an extension moves the bot's timer only. */
    @Override
    public Extending extending() {
        return Extending.NO_BUILT_IN_END;
    }

    /** True when no binding labelled with the grant is left where it was made or where the settings point now. */
    @Override
    public boolean verifyRevoked(Provisioned provisioned) throws TargetException {
        Objects.requireNonNull(provisioned, "provisioned");
        GrantId id = provisioned.request().id();
        try {
            for (Optional<String> scope : scopes(provisioned.handle())) {
                List<String> left = labelled(scope, id);
                if (!left.isEmpty()) {
                    LOG.warn("kubernetes verify {} on {}: still bound by {} {}", id, target, left,
                            scope.map(ns -> "in namespace " + ns).orElse("(cluster-wide)"));
                    return false;
                }
            }
            return true;
        } catch (KubernetesClientException e) {
            throw failed("verify", id, e);
        }
    }

    @Override
    public String toString() {
        return "KubernetesAdapter[target=" + target + ", api-server=" + settings.origin() + ", namespace="
                + settings.namespace().orElse("(cluster-wide)") + "]";
    }

    /** The binding as it should be. */
    private HasMetadata binding(BindingHandle handle, GrantRequest request, BoundRole role, String user) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(GRANT_LABEL, grantLabel(request.id()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(EXPIRES_AT,
                DateTimeFormatter.ISO_INSTANT.format(request.expiresAt().truncatedTo(ChronoUnit.SECONDS)));
        annotations.put(REQUESTER, request.slackUserId());
        annotations.put(TARGET, target);
        request.role().ifPresent(r -> annotations.put(ROLE, r));
        annotations.put(JUSTIFICATION, justification(request.justification()));
        ObjectMeta meta = new ObjectMetaBuilder().withName(handle.name()).withNamespace(handle.namespace().orElse(null))
                .withLabels(labels).withAnnotations(annotations).build();
        List<Subject> subjects = new ArrayList<>();
        subjects.add(new SubjectBuilder().withApiGroup(BoundRole.API_GROUP).withKind("User").withName(user).build());
        for (String group : settings.groups()) {
            subjects.add(new SubjectBuilder().withApiGroup(BoundRole.API_GROUP).withKind("Group").withName(group)
                    .build());
        }
        RoleRef ref = new RoleRefBuilder().withApiGroup(BoundRole.API_GROUP).withKind(role.kind().api())
                .withName(role.name()).build();
        return handle.namespace().isPresent()
                ? new RoleBindingBuilder().withMetadata(meta).withSubjects(subjects).withRoleRef(ref).build()
                : new ClusterRoleBindingBuilder().withMetadata(meta).withSubjects(subjects).withRoleRef(ref).build();
    }

    /**
     * Creates the binding, or brings the one a previous call made up to date.
     *
     * @return what was done, for the log
     * @throws TargetException when a binding of that name exists that Breakglass did not make for this grant
     */
    private String apply(HasMetadata desired, GrantId id) throws TargetException {
        HasMetadata existing = client.resource(desired).get();
        if (existing == null) {
            try {
                client.resource(desired).create();
                return "created";
            } catch (KubernetesClientException e) {
                // 409: made meanwhile (two provisioning runs at once); take it from there.
                existing = e.getCode() == 409 ? client.resource(desired).get() : null;
                if (existing == null) {
                    throw e;
                }
            }
        }
        Map<String, String> labels = Optional.ofNullable(existing.getMetadata().getLabels()).orElse(Map.of());
        if (!MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL)) || !grantLabel(id).equals(labels.get(GRANT_LABEL))) {
            throw new TargetException(describe("grant", id) + " refused: a " + existing.getKind() + " named "
                    + desired.getMetadata().getName() + " already exists" + namespaceOf(desired) + " and was not made by "
                    + "Breakglass for " + id + "; it was left as it is. Find out who made it before removing it");
        }
        if (Objects.equals(roleRef(existing), roleRef(desired))) {
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.resource(desired).update();
            return "updated";
        }
        // A binding's roleRef cannot be changed in place.
        client.resource(existing).delete();
        client.resource(desired).create();
        return "re-created";
    }

    /**
     * Best-effort clean-up after a failed grant: deletes every binding labelled with it, so a grant that ends FAILED
     * (and is therefore never revoked) leaves no access behind.
     */
    private TargetException undo(GrantId id, BindingHandle handle, String failure) {
        if (Thread.currentThread().isInterrupted()) {
            return new TargetException(failure + "; bindings for " + id + " were not checked (interrupted)");
        }
        try {
            int removed = 0;
            for (Optional<String> scope : scopes(handle.toJson())) {
                removed += deleteLabelled(scope, id);
            }
            LOG.warn("{}; {} binding(s) for {} removed", failure, removed, id);
            return new TargetException(removed == 0 ? failure
                    : failure + "; the binding made for " + id + " was deleted again");
        } catch (KubernetesClientException e) {
            LOG.warn("{}; removing bindings for {} failed too", failure, id);
            return new TargetException(failure + "; deleting any binding made for " + id + " failed too: " + reason(e));
        }
    }

    /**
     * Where to look for a grant's bindings: the namespace (or cluster scope) in the handle, then the one the
     * settings name now. {@code Optional.empty()} stands for ClusterRoleBindings.
     */
    private Set<Optional<String>> scopes(String handle) {
        Set<Optional<String>> scopes = new LinkedHashSet<>();
        BindingHandle.parse(handle).ifPresent(h -> scopes.add(h.namespace()));
        scopes.add(settings.namespace());
        return scopes;
    }

    private List<String> labelled(Optional<String> scope, GrantId id) {
        // A fixed order: Map.of iterates in a per-JVM random order, and the selector is part of the request URL.
        Map<String, String> selector = new java.util.LinkedHashMap<>();
        selector.put(MANAGED_BY_LABEL, MANAGED_BY);
        selector.put(GRANT_LABEL, grantLabel(id));
        List<? extends HasMetadata> items = scope.isPresent()
                ? client.rbac().roleBindings().inNamespace(scope.get()).withLabels(selector).list().getItems()
                : client.rbac().clusterRoleBindings().withLabels(selector).list().getItems();
        return items.stream().map(b -> b.getMetadata().getName()).toList();
    }

    /** Deletes the grant's bindings in one scope by name; already gone (404) counts as deleted. */
    private int deleteLabelled(Optional<String> scope, GrantId id) {
        List<String> names = labelled(scope, id);
        for (String name : names) {
            if (scope.isPresent()) {
                client.rbac().roleBindings().inNamespace(scope.get()).withName(name).delete();
            } else {
                client.rbac().clusterRoleBindings().withName(name).delete();
            }
        }
        return names.size();
    }

    private static RoleRef roleRef(HasMetadata binding) {
        if (binding instanceof RoleBinding rb) {
            return rb.getRoleRef();
        }
        return binding instanceof ClusterRoleBinding crb ? crb.getRoleRef() : null;
    }

    /** The justification for an annotation: one line, cut to {@link #JUSTIFICATION_MAX} code points. */
    static String justification(String text) {
        String line = text.strip().replaceAll("\\p{Cntrl}+", " ");
        if (line.codePointCount(0, line.length()) <= JUSTIFICATION_MAX) {
            return line;
        }
        return line.substring(0, line.offsetByCodePoints(0, JUSTIFICATION_MAX - 1)) + "…";
    }

    private TargetException failed(String action, GrantId id, KubernetesClientException e) {
        String message = describe(action, id) + " failed: " + reason(e);
        LOG.warn(message);
        return new TargetException(message);
    }

    /**
     * What went wrong, from the API server's status or the transport failure: the status message names the object
     * and the bot's own identity, never its token.
     */
    private String reason(KubernetesClientException e) {
        if (e.getCode() > 0) {
            String status = e.getStatus() == null ? null : e.getStatus().getMessage();
            return "HTTP " + e.getCode() + " from " + settings.origin()
                    + (status == null || status.isBlank() ? "" : ": " + clean(status));
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return "interrupted while calling " + settings.origin();
        }
        String detail = root == e ? "" : root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + clean(root.getMessage()));
        return "could not reach " + settings.origin() + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private static String clean(String text) {
        String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private String describe(String action, GrantId id) {
        return "kubernetes " + action + " " + id + " on " + target;
    }

    private static String where(BindingHandle handle) {
        return handle.namespace().map(ns -> ns + "/" + handle.name()).orElse(handle.name());
    }

    private static String namespaceOf(HasMetadata binding) {
        String ns = binding.getMetadata().getNamespace();
        return ns == null ? "" : " in namespace " + ns;
    }
}
