/**
 * What happened to a grant, in the past tense. The core publishes one {@link dev.breakglass.event.GrantEvent}
 * per saved change; notifications, the request card and (later) the audit trail are all driven by them.
 */
package dev.breakglass.event;
