package dev.breakglass.bot.stepup;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.breakglass.bot.persistence.CredentialCipher;
import dev.breakglass.port.StepUp;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The enrolment QR code. Slack's image block takes only a URL it can fetch (no data URIs, and uploading a file
 * would put the secret in another Web API call), so the bot serves the PNG itself at
 * {@code <BREAKGLASS_PUBLIC_URL>/step-up/qr/<token>}.
 *
 * <p>The token is the user id and an expiry ({@link #LINK_LIFETIME}), sealed with the bot's key: unguessable, not
 * forgeable, and good on every replica without shared state. It does not carry the secret: the PNG is drawn from
 * the enrolment in the database, and only while that enrolment waits for its first code — once confirmed (or
 * reset, or started over) the link shows nothing. Without a public URL there is no image; the modal still shows
 * the {@code otpauth://} link to add by hand. In sandbox mode (no bot token) the bot's own local address stands in
 * for the public URL, so the sandbox console, opened on the same machine, shows the QR code.
 */
@Singleton
public class StepUpQr {
    /** How long a QR link works. */
    static final Duration LINK_LIFETIME = Duration.ofMinutes(10);
    private static final String PURPOSE = "step-up:qr-link";
    private static final String OWNER = "breakglass";
    private static final int SIZE = 256;

    private final CredentialCipher cipher;
    private final StepUp factor;
    private final Clock clock;
    private final boolean sandbox;
    private volatile String publicUrl;

    public StepUpQr(CredentialCipher cipher, StepUp factor, Clock clock,
                    @Value("${breakglass.public-url:}") String publicUrl,
                    @Value("${breakglass.slack.bot-token:}") String botToken) {
        this.cipher = cipher;
        this.factor = factor;
        this.clock = clock;
        String base = publicUrl == null ? "" : publicUrl.strip();
        this.publicUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.sandbox = botToken == null || botToken.isBlank();
    }

    /** Sandbox mode without a public URL: the QR code is served from this machine's own address. */
    @EventListener
    void onStartup(ServerStartupEvent event) {
        if (sandbox && publicUrl.isEmpty()) {
            publicUrl = "http://localhost:" + event.getSource().getPort();
        }
    }

    /** Where Slack can fetch {@code user}'s QR code for the next {@link #LINK_LIFETIME}; empty without a public URL. */
    public Optional<String> imageUrl(String user) {
        if (publicUrl.isEmpty() || !(factor instanceof TotpStepUp)) {
            return Optional.empty();
        }
        String link = user + "\n" + clock.instant().plus(LINK_LIFETIME).getEpochSecond();
        byte[] sealed = cipher.sealSecret(PURPOSE, OWNER, link.getBytes(StandardCharsets.UTF_8));
        return Optional.of(publicUrl + QrCodeController.PATH + "/"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed));
    }

    /** The PNG a token stands for; empty when the token is not ours, expired, or the enrolment is not pending. */
    Optional<byte[]> png(String token) {
        if (!(factor instanceof TotpStepUp totp) || token == null || token.length() > 300) {
            return Optional.empty();
        }
        String link;
        try {
            link = new String(cipher.openSecret(PURPOSE, OWNER, Base64.getUrlDecoder().decode(token)),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | IllegalStateException notOurs) {
            return Optional.empty();
        }
        int newline = link.indexOf('\n');
        if (newline < 0 || clock.instant().isAfter(Instant.ofEpochSecond(Long.parseLong(link.substring(newline + 1))))) {
            return Optional.empty();
        }
        return totp.pendingUri(link.substring(0, newline)).map(StepUpQr::draw);
    }

    /** A black-on-white QR code of {@code text}, as PNG. */
    static byte[] draw(String text) {
        try {
            BitMatrix m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, SIZE, SIZE,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
            BufferedImage image = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    image.setRGB(x, y, m.get(x, y) ? 0x000000 : 0xFFFFFF);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalStateException("the otpauth link does not fit in a QR code");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the QR code PNG", e);
        }
    }
}
