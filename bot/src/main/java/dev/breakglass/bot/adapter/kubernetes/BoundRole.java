package dev.breakglass.bot.adapter.kubernetes;

import java.util.Objects;

/**
 * What one policy role becomes in Kubernetes: the {@code roleRef} of the binding ({@code settings.roles.<role>}).
 *
 * <p>A {@link Kind#ROLE} lives in a namespace, so it can only be bound by a RoleBinding in that namespace; the
 * settings refuse it for a target without {@code namespace}. A {@link Kind#CLUSTER_ROLE} may be bound either way.
 *
 * @param kind which kind of role
 * @param name the role's name as Kubernetes spells it ({@code view}, {@code admin}, {@code system:aggregate-to-edit})
 */
public record BoundRole(Kind kind, String name) {
    /** The API group of roles and bindings. */
    public static final String API_GROUP = "rbac.authorization.k8s.io";

    public BoundRole {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (!KubernetesNames.isObjectName(name)) {
            throw new IllegalArgumentException("not a Kubernetes role name: " + name);
        }
    }

    /** The kinds a binding may refer to, spelled as in the API. */
    public enum Kind {
        CLUSTER_ROLE("ClusterRole"),
        ROLE("Role");

        private final String api;

        Kind(String api) {
            this.api = api;
        }

        /** The kind as the API and the policy file spell it. */
        public String api() {
            return api;
        }

        @Override
        public String toString() {
            return api;
        }
    }

    @Override
    public String toString() {
        return kind.api() + "/" + name;
    }
}
