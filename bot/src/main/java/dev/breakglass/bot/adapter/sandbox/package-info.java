/**
 * The {@code sandbox} target type: a pretend system for the sandbox and demos. It provisions nothing real and
 * issues obviously fake credentials, so the whole loop can be tried without any infrastructure.
 */
package dev.breakglass.bot.adapter.sandbox;
