package dev.breakglass.bot.adapter.kubernetes;

import java.util.regex.Pattern;

/** Kubernetes' naming rules, checked at start so that a typo does not surface as an API error in an emergency. */
final class KubernetesNames {
    /** A namespace: an RFC 1123 label. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private KubernetesNames() {
    }

    /** Whether {@code name} may be a namespace (RFC 1123 label: lower-case, digits, {@code -}, at most 63). */
    static boolean isNamespace(String name) {
        return name != null && LABEL.matcher(name).matches();
    }

    /**
     * Whether {@code name} may name an RBAC object. RBAC names are only path segments (at most 253 characters, not
     * {@code .} or {@code ..}, no {@code /} or {@code %}), which is why built-in roles contain {@code :}; control
     * characters and spaces are refused too, since no real role has them.
     */
    static boolean isObjectName(String name) {
        if (name == null || name.isEmpty() || name.length() > 253 || name.equals(".") || name.equals("..")) {
            return false;
        }
        return name.chars().noneMatch(c -> c == '/' || c == '%' || c <= ' ' || c == 0x7f);
    }

    /**
     * Whether {@code name} may name a user or group in a subject: not blank, no control characters, at most 1024
     * characters. Names under {@code system:} are Kubernetes' own (nodes, service accounts, {@code
     * system:authenticated}) and are refused by the callers.
     */
    static boolean isSubjectName(String name) {
        return name != null && !name.isBlank() && name.length() <= 1024
                && name.chars().noneMatch(c -> c < ' ' || c == 0x7f);
    }
}
