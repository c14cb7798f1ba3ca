/**
 * What the core needs from the world, named by role: where grants are stored, how targets are provisioned
 * (the adapter SPI), how people are told, how expiry is scheduled, where the audit trail goes.
 * Time is {@link java.time.Clock}, injected.
 */
package dev.breakglass.port;
