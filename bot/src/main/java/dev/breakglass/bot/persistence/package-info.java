/**
 * JDBC stores behind the core's ports, and the Flyway migrations they rely on
 * ({@code src/main/resources/db/migration}). One portable schema: PostgreSQL in production, H2 in
 * PostgreSQL mode by default. Plain JDBC on the Hikari pool; every statement commits on its own.
 */
package dev.breakglass.bot.persistence;
