/**
 * The {@code ssh-cert} target adapter: short-lived OpenSSH user certificates signed by a CA that the hosts trust
 * ({@code TrustedUserCAKeys}), revoked through a Key Revocation List that the hosts read ({@code RevokedKeys});
 * see {@code docs/adapters-ssh-cert.md}.
 *
 * <p>{@link dev.breakglass.bot.adapter.sshcert.SshCertAdapterFactory} checks the settings
 * ({@link dev.breakglass.bot.adapter.sshcert.SshCertSettings}), the CA key
 * ({@link dev.breakglass.bot.adapter.sshcert.CaKey}) and the KRL
 * ({@link dev.breakglass.bot.adapter.sshcert.Krl}) at start;
 * {@link dev.breakglass.bot.adapter.sshcert.SshCertAdapter} issues, revokes and verifies. Every key, certificate
 * and KRL operation is OpenSSH's own {@code ssh-keygen} ({@link dev.breakglass.bot.adapter.sshcert.SshKeygen}), run
 * as a list of arguments with a deadline ({@link dev.breakglass.bot.adapter.sshcert.ExternalProcess}) in a
 * directory only the bot's user can enter ({@link dev.breakglass.bot.adapter.sshcert.PrivateDir}). Private keys
 * exist only there, and in the credentials handed to the requester.
 * {@link dev.breakglass.bot.adapter.sshcert.SshdLogActivity} reads the logins and logouts of a grant's certificate
 * from sshd's log; the commands come from the session recorder in {@code deploy/recorder}.
 */
package dev.breakglass.bot.adapter.sshcert;
