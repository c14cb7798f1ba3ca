/**
 * Grants: the record of one emergency access, its states and legal transitions, and the use cases
 * ({@code GrantService}) that move it through them. No I/O: the world is reached through {@code port}.
 */
package dev.breakglass.grant;
