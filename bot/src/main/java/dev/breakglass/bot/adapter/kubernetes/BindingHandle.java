package dev.breakglass.bot.adapter.kubernetes;

import dev.breakglass.bot.json.JsonMappers;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a grant's binding was made, stored as the grant's handle:
 * {@code {"kind":"RoleBinding","namespace":"prod","name":"breakglass-bg-7"}} or
 * {@code {"kind":"ClusterRoleBinding","name":"breakglass-bg-7"}}. Not secret.
 *
 * <p>Revoke and verify use it to look in the place the binding was made even when {@code settings.namespace} has
 * changed since; they look in the place the settings name as well, so a handle that cannot be read ({@code {}}
 * after a failed grant, or text from elsewhere) still revokes through the grant's label.
 *
 * @param namespace the RoleBinding's namespace; empty for a ClusterRoleBinding
 * @param name      the binding's name
 */
public record BindingHandle(Optional<String> namespace, String name) {
    private static final ObjectMapper JSON = JsonMappers.standard();
    static final String ROLE_BINDING = "RoleBinding";
    static final String CLUSTER_ROLE_BINDING = "ClusterRoleBinding";

    public BindingHandle {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        namespace.filter(ns -> !KubernetesNames.isNamespace(ns)).ifPresent(ns -> {
            throw new IllegalArgumentException("not a namespace: " + ns);
        });
        if (!KubernetesNames.isObjectName(name)) {
            throw new IllegalArgumentException("not a binding name: " + name);
        }
    }

    /** {@code RoleBinding} or {@code ClusterRoleBinding}. */
    public String kind() {
        return namespace.isPresent() ? ROLE_BINDING : CLUSTER_ROLE_BINDING;
    }

    /** The handle's JSON, keys in the documented order. */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", kind());
        namespace.ifPresent(ns -> node.put("namespace", ns));
        node.put("name", name);
        return node.toString();
    }

    /** Reads a stored handle; empty when it is not one this adapter made (never throws). */
    public static Optional<BindingHandle> parse(String handle) {
        try {
            JsonNode node = JSON.readTree(handle);
            if (node == null || !node.isObject() || !node.path("name").isTextual()) {
                return Optional.empty();
            }
            String kind = node.path("kind").asText("");
            String name = node.path("name").textValue();
            if (kind.equals(CLUSTER_ROLE_BINDING) && node.path("namespace").isMissingNode()) {
                return Optional.of(new BindingHandle(Optional.empty(), name));
            }
            if (kind.equals(ROLE_BINDING) && node.path("namespace").isTextual()) {
                return Optional.of(new BindingHandle(Optional.of(node.path("namespace").textValue()), name));
            }
            return Optional.empty();
        } catch (JacksonException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return toJson();
    }
}
