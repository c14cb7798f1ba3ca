/**
 * Grants: the record of one emergency access, its states and legal transitions, its post-mortem, and the use
 * cases that move it through them ({@code GrantService} for access, {@code ReviewService} for the review), both
 * through one compare-and-set loop ({@code GrantChanges}). No I/O: the world is reached through {@code port}.
 */
package dev.breakglass.grant;
