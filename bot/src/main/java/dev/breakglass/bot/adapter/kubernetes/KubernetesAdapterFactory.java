package dev.breakglass.bot.adapter.kubernetes;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Makes {@link KubernetesAdapter}s for targets with {@code adapter: kubernetes}. Settings are read and checked in
 * {@link #create}, at start ({@link KubernetesSettings#parse}): files must exist and parse, and {@code ${NAME}}
 * references are resolved then. The API server is first called at the first grant; a wrong token shows there.
 *
 * <p>Warnings, not errors: {@code insecure-skip-tls-verify: true}, and {@code groups} (every member of a listed
 * group gets the access for the window, not only the requester).
 */
@Singleton
public final class KubernetesAdapterFactory extends AdapterFactory<KubernetesSettings, KubernetesAdapter> {
    /** The policy's {@code adapter:} value. */
    public static final String TYPE = "kubernetes";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesAdapterFactory.class);

    private final Function<KubernetesSettings, KubernetesClient> clients;
    private final List<KubernetesClient> made = new CopyOnWriteArrayList<>();

    /** The bot's factory: the process environment and real clients ({@link KubernetesClients#connect}). */
    @Inject
    public KubernetesAdapterFactory() {
        this(EnvironmentVariables.system(), KubernetesClients::connect);
    }

    /**
     * @param environment where {@code ${NAME}} references are looked up
     * @param clients     makes the client of one target from its checked settings; tests hand in a mock server's
     */
    public KubernetesAdapterFactory(EnvironmentVariables environment,
                                    Function<KubernetesSettings, KubernetesClient> clients) {
        super(TYPE, environment, KubernetesSettings::parse);
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    @Override
    protected KubernetesAdapter make(String target, KubernetesSettings parsed) {
        if (parsed.insecureSkipTlsVerify()) {
            LOG.warn("Target {}: settings.insecure-skip-tls-verify is true; the API server's certificate is not "
                    + "checked, so anyone in the network path can take the bot's token. Use settings.ca-cert", target);
        }
        if (!parsed.groups().isEmpty()) {
            LOG.warn("Target {}: every binding also names the groups {}; all their members get the role while a "
                    + "grant lasts", target, parsed.groups());
        }
        KubernetesClient client;
        try {
            client = clients.apply(parsed);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // fabric8 reads the CA and the kubeconfig's credentials here, and its messages may quote them: only
            // the type is shown, and the cause is not kept (the bot prints it when it refuses to start).
            throw new IllegalArgumentException("settings: no Kubernetes client could be set up for "
                    + parsed.origin() + " (" + e.getClass().getSimpleName() + "); check api-server, ca-cert and "
                    + "kubeconfig");
        }
        made.add(client);
        return new KubernetesAdapter(target, parsed, client);
    }

    /** Closes the clients this factory made, when the bot stops. */
    @PreDestroy
    public void close() {
        for (KubernetesClient client : made) {
            try {
                client.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a Kubernetes client failed", e);
            }
        }
        made.clear();
    }
}
