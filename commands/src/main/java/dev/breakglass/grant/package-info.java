/**
 * Grants: the record of one emergency access, its states and the table of legal moves and steps
 * ({@code GrantState}), its post-mortem, and the use cases by the grant's life: {@code RequestService} (request and
 * decide), {@code AccessService} (provision, warn, end access, sweep), {@code ExtensionService} (more time),
 * {@code RevealService} (show the credentials), {@code ReviewService} (the post-mortem) and {@code QueryService}
 * (what people look at, the audit timeline), all through one compare-and-set loop ({@code GrantChanges}). Who may
 * is {@code policy.Permissions}'. No I/O: the world is reached through {@code port}.
 */
package dev.breakglass.grant;
