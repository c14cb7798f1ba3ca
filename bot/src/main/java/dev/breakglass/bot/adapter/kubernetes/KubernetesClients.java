package dev.breakglass.bot.adapter.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.net.URI;
import java.util.Locale;

/**
 * Builds the fabric8 client of one target from its settings alone.
 *
 * <p>Why not fabric8's defaults: {@code new ConfigBuilder()} auto-configures from {@code ~/.kube/config},
 * {@code KUBERNETES_*} variables, system properties and the pod's service account, so a target could silently act
 * with credentials nobody wrote into its settings — or a different cluster. {@link Config#empty()} and
 * {@link Config#fromKubeconfig(String, java.io.File)} read nothing else.
 */
public final class KubernetesClients {
    /** Connecting to the API server; a grant is waited for by a person. */
    static final int CONNECT_TIMEOUT_MS = 10_000;
    /** One API request. */
    static final int REQUEST_TIMEOUT_MS = 30_000;
    /** fabric8's own retries of failed requests: few, since the core retries revocations itself. */
    static final int RETRIES = 2;

    private KubernetesClients() {
    }

    /** A client for {@code settings}: it connects lazily, so this does no I/O beyond reading the kubeconfig. */
    public static KubernetesClient connect(KubernetesSettings settings) {
        return new KubernetesClientBuilder().withConfig(config(settings)).build();
    }

    /**
     * The client configuration: the API server, then the token or the kubeconfig's current context, then TLS.
     *
     * @throws IllegalArgumentException naming {@code settings.kubeconfig} when the file cannot be read as a
     *                                  kubeconfig or points at another server
     */
    static Config config(KubernetesSettings settings) {
        Config config;
        if (settings.kubeconfig().isPresent()) {
            String path = settings.kubeconfig().get().toString();
            try {
                config = Config.fromKubeconfig(null, settings.kubeconfig().get().toFile());
            } catch (RuntimeException e) {
                // The parser's message may quote the file, which holds credentials: only its type is shown.
                throw new IllegalArgumentException("settings.kubeconfig: \"" + path + "\" is not a kubeconfig with a "
                        + "current context (" + e.getClass().getSimpleName() + ")");
            }
            String server = config.getMasterUrl();
            if (server == null || !sameServer(server, settings.apiServer())) {
                throw new IllegalArgumentException("settings.kubeconfig: the current context of \"" + path
                        + "\" points at " + (server == null ? "no server" : "\"" + server + "\"")
                        + ", not at settings.api-server " + settings.apiServer());
            }
        } else {
            config = Config.empty();
        }
        config.setMasterUrl(settings.apiServer().toString());
        settings.token().ifPresent(config::setOauthToken);
        settings.caCert().ifPresent(ca -> {
            config.setCaCertData(null);
            config.setCaCertFile(ca.toString());
        });
        // Set both ways, so that a kubeconfig saying "insecure-skip-tls-verify: true" cannot switch checks off.
        config.setTrustCerts(settings.insecureSkipTlsVerify());
        config.setDisableHostnameVerification(settings.insecureSkipTlsVerify());
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setRequestTimeout(REQUEST_TIMEOUT_MS);
        config.setRequestRetryBackoffLimit(RETRIES);
        return config;
    }

    /** Same scheme, host, port and path, ignoring case where URLs do and a trailing slash. */
    static boolean sameServer(String server, URI apiServer) {
        try {
            return normal(URI.create(server.strip())).equals(normal(apiServer));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + (uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT)) + ":" + port + path;
    }
}
