/**
 * Step-up in the bot: the built-in TOTP factor ({@link dev.breakglass.bot.stepup.TotpStepUp}, RFC 6238, its secrets
 * sealed with the bot's key), failures and lockouts in the database
 * ({@link dev.breakglass.bot.stepup.JdbcStepUpAttempts}), the enrolment QR code served at a short-lived sealed URL
 * ({@link dev.breakglass.bot.stepup.QrCodeController}), what step-up events become (audit entries, the lockout
 * alert, the reset notice: {@link dev.breakglass.bot.stepup.StepUpRecorder}), and the choice of factor, built in or
 * a plugin's ({@link dev.breakglass.bot.stepup.StepUpFactoryBeans}).
 */
package dev.breakglass.bot.stepup;
