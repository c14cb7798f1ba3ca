/**
 * What the core needs from the world, named by role: where grants are stored ({@code GrantStore}), how targets are
 * provisioned (the adapter SPI: {@code TargetAdapter}, {@code TargetAdapterFactory}, {@code TargetRegistry}), where
 * credentials wait ({@code CredentialVault}) and are shown ({@code CredentialDisplay}), who people are
 * ({@code PeopleDirectory}), when work is due ({@code GrantScheduler}), the audit trail as the use cases read it
 * ({@code AuditLog}), the second factor
 * ({@code StepUp}), and what is done under a grant ({@code ActivitySource}, an optional capability of an adapter). Time is {@link java.time.Clock}, injected.
 */
package dev.breakglass.port;
