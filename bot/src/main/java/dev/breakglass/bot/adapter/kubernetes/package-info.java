/**
 * The {@code kubernetes} target adapter: a grant is an RBAC binding of the requester's own Kubernetes identity to
 * a role, removed again at the end of the window. No credentials are issued; the requester keeps authenticating
 * as themselves (OIDC, certificates) and only gains permissions while the binding exists.
 *
 * <p>{@link dev.breakglass.bot.adapter.kubernetes.KubernetesAdapterFactory} reads the settings
 * ({@link dev.breakglass.bot.adapter.kubernetes.KubernetesSettings}) and connects a fabric8 client built from them
 * alone ({@link dev.breakglass.bot.adapter.kubernetes.KubernetesClients}: never from the bot's own kubeconfig,
 * environment or service account); {@link dev.breakglass.bot.adapter.kubernetes.KubernetesAdapter} creates,
 * deletes and checks the bindings, found by the grant's label so that revoke and verify are idempotent.
 */
package dev.breakglass.bot.adapter.kubernetes;
