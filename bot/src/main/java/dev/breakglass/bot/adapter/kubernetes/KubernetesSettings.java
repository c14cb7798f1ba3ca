package dev.breakglass.bot.adapter.kubernetes;

import static dev.breakglass.bot.adapter.SettingText.kind;
import static dev.breakglass.bot.adapter.SettingText.quote;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One kubernetes target's settings, read from the policy's {@code settings} map by {@link #parse}.
 *
 * <ul>
 *   <li>{@code api-server} (required): the API server's {@code https} URL ({@code http} only on loopback, e.g.
 *       {@code kubectl proxy}); no user info, query or fragment. May be {@code ${NAME}}.</li>
 *   <li>{@code token} (required unless {@code kubeconfig}): the bot's bearer token, always a {@code ${NAME}}
 *       reference so that it never sits in the policy file.</li>
 *   <li>{@code kubeconfig} (optional, instead of {@code token}): a kubeconfig file whose current context supplies
 *       the credentials (token, client certificate, exec plugin) and CA; its server must be {@code api-server}.</li>
 *   <li>{@code ca-cert} (optional): a PEM file with the CA certificate(s) that signed the API server's certificate;
 *       without it the JVM's trust store (or the kubeconfig's CA) is used.</li>
 *   <li>{@code insecure-skip-tls-verify} (optional, default false): {@code true} trusts any certificate; only ever
 *       when written explicitly, and never together with {@code ca-cert}.</li>
 *   <li>{@code namespace} (optional): bindings are RoleBindings in this namespace; without it,
 *       ClusterRoleBindings.</li>
 *   <li>{@code roles} (required): policy role → {@code {kind: ClusterRole|Role, name: …}}. A target without policy
 *       roles uses the mapping's single entry.</li>
 *   <li>{@code user} (optional, default {@code email}): see {@link SubjectNaming}.</li>
 *   <li>{@code groups} (optional): extra {@code Group} subjects of every binding; none under {@code system:}.</li>
 * </ul>
 * Files are checked (exist, readable, parse) at start. {@link #toString()} never shows the token.
 */
public record KubernetesSettings(URI apiServer, Optional<String> token, Optional<Path> kubeconfig,
                                 Optional<Path> caCert, boolean insecureSkipTlsVerify, Optional<String> namespace,
                                 Map<String, BoundRole> roles, SubjectNaming user, List<String> groups) {
    /** The keys {@link #parse} reads, in the order messages list them. */
    public static final List<String> KEYS = List.of("api-server", "token", "kubeconfig", "ca-cert",
            "insecure-skip-tls-verify", "namespace", "roles", "user", "groups");

    public KubernetesSettings {
        Objects.requireNonNull(apiServer, "apiServer");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(caCert, "caCert");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(user, "user");
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        groups = List.copyOf(groups);
        if (token.isEmpty() == kubeconfig.isEmpty()) {
            throw new IllegalArgumentException(token.isEmpty()
                    ? "settings.token is missing: the bot's token as ${NAME}, or give settings.kubeconfig instead"
                    : "settings.token and settings.kubeconfig are both given; give one: where the bot's credentials "
                    + "come from must not be a guess");
        }
        if (insecureSkipTlsVerify && caCert.isPresent()) {
            throw new IllegalArgumentException("settings.insecure-skip-tls-verify: true contradicts settings.ca-cert; "
                    + "remove insecure-skip-tls-verify");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("settings.roles is empty: map each policy role to "
                    + "{kind: ClusterRole|Role, name: …}");
        }
        for (Map.Entry<String, BoundRole> role : roles.entrySet()) {
            if (namespace.isEmpty() && role.getValue().kind() == BoundRole.Kind.ROLE) {
                throw new IllegalArgumentException("settings.roles." + role.getKey() + ".kind: a Role lives in a "
                        + "namespace; set settings.namespace, or bind a ClusterRole");
            }
        }
    }

    /**
     * Reads and checks the settings of one target.
     *
     * @param settings    the target's {@code settings} map as written in the policy; null counts as empty
     * @param environment where {@code ${NAME}} references are looked up
     * @throws IllegalArgumentException whose message starts with {@code settings.<key>} for the first problem;
     *                                  messages never contain the token
     */
    public static KubernetesSettings parse(Map<String, ?> settings, EnvironmentVariables environment) {
        AdapterSettings given = new AdapterSettings("kubernetes", settings, environment);
        given.onlyKeys(KEYS);
        URI apiServer = apiServer(given.optionalText("api-server").map(v -> given.resolve("api-server", v))
                .orElseThrow(() -> AdapterSettings.fail("api-server", " is missing: the API server's https URL")));
        Optional<String> token = given.optionalText("token").map(t -> token(t, given));
        Optional<Path> kubeconfig = given.optionalText("kubeconfig")
                .map(p -> readableFile("kubeconfig", given.resolve("kubeconfig", p)));
        Optional<Path> caCert = given.optionalText("ca-cert")
                .map(p -> certificate(readableFile("ca-cert", given.resolve("ca-cert", p))));
        boolean insecure = insecure(given.get("insecure-skip-tls-verify"));
        Optional<String> namespace = given.optionalText("namespace").map(KubernetesSettings::namespace);
        Map<String, BoundRole> roles = roles(given.get("roles"));
        SubjectNaming user = given.optionalText("user").map(SubjectNaming::parse).orElse(new SubjectNaming.Email());
        List<String> groups = groups(given.get("groups"));
        return new KubernetesSettings(apiServer, token, kubeconfig, caCert, insecure, namespace, roles, user, groups);
    }

    /**
     * The binding's role for a grant's policy role.
     *
     * @param role the grant's role; empty when the target has no roles, which needs exactly one mapping
     * @return empty when nothing is mapped (the caller refuses the grant)
     */
    public Optional<BoundRole> roleFor(Optional<String> role) {
        if (role.isPresent()) {
            return Optional.ofNullable(roles.get(role.get()));
        }
        return roles.size() == 1 ? Optional.of(roles.values().iterator().next()) : Optional.empty();
    }

    /** {@code scheme://host[:port]}: what messages and logs show of the API server. */
    public String origin() {
        return apiServer.getScheme().toLowerCase(Locale.ROOT) + "://" + apiServer.getHost()
                + (apiServer.getPort() == -1 ? "" : ":" + apiServer.getPort());
    }

    @Override
    public String toString() {
        return "KubernetesSettings[api-server=" + apiServer + ", token=" + (token.isPresent() ? "(hidden)" : "none")
                + ", kubeconfig=" + kubeconfig.map(Path::toString).orElse("none")
                + ", ca-cert=" + caCert.map(Path::toString).orElse("none")
                + ", insecure-skip-tls-verify=" + insecureSkipTlsVerify
                + ", namespace=" + namespace.orElse("(cluster-wide)") + ", roles=" + roles + ", user=" + user
                + ", groups=" + groups + "]";
    }

    private static URI apiServer(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("settings.api-server: " + quote(text) + " is not an https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("settings.api-server: " + quote(text) + " is not an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("settings.api-server: " + quote(text) + " has no valid host name");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("settings.api-server: " + quote(uri.getScheme() + "://"
                    + uri.getHost()) + "… carries user info, a query or a fragment; give the bare server URL");
        }
        if (scheme.equals("http") && !AdapterSettings.isLoopback(uri.getHost())) {
            // The bot's token and every binding would cross the network in the clear.
            throw new IllegalArgumentException("settings.api-server: " + quote(text) + " uses plain http to a host "
                    + "other than loopback; use https (plain http is only for a local kubectl proxy)");
        }
        return uri;
    }

    private static String token(String text, AdapterSettings env) {
        if (!text.startsWith("${")) {
            // Not echoed: it is most likely the token itself.
            throw new IllegalArgumentException("settings.token must be a ${NAME} reference to an environment "
                    + "variable holding the token, not the token itself: the policy file is not a place for secrets");
        }
        return env.resolve("token", text);
    }

    private static Path readableFile(String key, String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("settings." + key + ": " + quote(text) + " is not a file path");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("settings." + key + ": " + quote(text) + " is not a file");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("settings." + key + ": " + quote(text) + " is not readable by the bot");
        }
        return path;
    }

    private static Path certificate(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new IllegalArgumentException("settings.ca-cert: " + quote(path.toString())
                        + " holds no certificate");
            }
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("settings.ca-cert: " + quote(path.toString())
                    + " is not a PEM certificate file (-----BEGIN CERTIFICATE-----)");
        }
        return path;
    }

    private static boolean insecure(Object value) {
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("settings.insecure-skip-tls-verify must be true or false, not "
                    + kind(value) + " (write it unquoted)");
        }
        return b;
    }

    private static String namespace(String text) {
        if (!KubernetesNames.isNamespace(text)) {
            throw new IllegalArgumentException("settings.namespace: " + quote(text) + " is not a namespace name "
                    + "(lower-case letters, digits and -, at most 63 characters)");
        }
        return text;
    }

    private static Map<String, BoundRole> roles(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("settings.roles is missing: map each policy role to "
                    + "{kind: ClusterRole|Role, name: …}, e.g. admin: {kind: ClusterRole, name: cluster-admin}");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("settings.roles must be a map of policy role → {kind, name}, not "
                    + kind(value));
        }
        Map<String, BoundRole> roles = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String role = String.valueOf(entry.getKey());
            String at = "settings.roles." + role;
            if (!(entry.getValue() instanceof Map<?, ?> ref)) {
                throw new IllegalArgumentException(at + " must be {kind: ClusterRole|Role, name: …}, not "
                        + kind(entry.getValue()));
            }
            for (Object key : ref.keySet()) {
                if (!"kind".equals(key) && !"name".equals(key)) {
                    throw new IllegalArgumentException(at + "." + key + " is not a role setting; write kind and name");
                }
            }
            Object kind = ref.get("kind");
            BoundRole.Kind k;
            if ("ClusterRole".equals(kind)) {
                k = BoundRole.Kind.CLUSTER_ROLE;
            } else if ("Role".equals(kind)) {
                k = BoundRole.Kind.ROLE;
            } else {
                throw new IllegalArgumentException(at + ".kind: " + (kind == null ? "is missing"
                        : kind instanceof String s ? quote(s) + " is not a role kind" : "must be text, not " + kind(kind))
                        + "; write ClusterRole or Role");
            }
            Object name = ref.get("name");
            if (!(name instanceof String n) || !KubernetesNames.isObjectName(n)) {
                throw new IllegalArgumentException(at + ".name: " + (name == null ? "is missing"
                        : name instanceof String s ? quote(s) + " is not a role name" : "must be text, not " + kind(name))
                        + "; write the " + k + "'s name, e.g. view");
            }
            roles.put(role, new BoundRole(k, n));
        }
        return roles;
    }

    private static List<String> groups(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("settings.groups must be a list of group names, not " + kind(value));
        }
        LinkedHashSet<String> groups = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String at = "settings.groups[" + i + "]";
            if (!(item instanceof String g) || !KubernetesNames.isSubjectName(g)) {
                throw new IllegalArgumentException(at + " must be a group name (text without control characters)");
            }
            if (g.toLowerCase(Locale.ROOT).startsWith(SubjectNaming.RESERVED)) {
                // system:authenticated and friends would hand the role to every identity in the cluster.
                throw new IllegalArgumentException(at + ": " + quote(g) + " is one of Kubernetes' own groups; "
                        + "binding it would give the role to far more than the requester");
            }
            if (!groups.add(g)) {
                throw new IllegalArgumentException(at + ": " + quote(g) + " is listed twice");
            }
        }
        return new ArrayList<>(groups);
    }



}
