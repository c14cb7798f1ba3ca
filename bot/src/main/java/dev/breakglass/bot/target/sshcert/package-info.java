/**
 * The {@code ssh-cert} target adapter: short-lived OpenSSH user certificates signed by a CA that the hosts trust
 * ({@code TrustedUserCAKeys}), revoked through a Key Revocation List that the hosts read ({@code RevokedKeys});
 * see {@code docs/adapters-ssh-cert.md}.
 *
 * <p>{@link dev.breakglass.bot.target.sshcert.SshCertAdapterFactory} checks the settings
 * ({@link dev.breakglass.bot.target.sshcert.SshCertSettings}), the CA key
 * ({@link dev.breakglass.bot.target.sshcert.CaKey}) and the KRL
 * ({@link dev.breakglass.bot.target.sshcert.Krl}) at start;
 * {@link dev.breakglass.bot.target.sshcert.SshCertAdapter} issues, revokes and verifies. Every key, certificate
 * and KRL operation is OpenSSH's own {@code ssh-keygen} ({@link dev.breakglass.bot.target.sshcert.SshKeygen}), run
 * as a list of arguments with a deadline ({@link dev.breakglass.bot.target.sshcert.ExternalProcess}) in a
 * directory only the bot's user can enter ({@link dev.breakglass.bot.target.sshcert.PrivateDir}). Private keys
 * exist only there, and in the credentials handed to the requester.
 */
package dev.breakglass.bot.target.sshcert;
