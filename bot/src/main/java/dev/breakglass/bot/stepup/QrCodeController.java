package dev.breakglass.bot.stepup;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code GET /step-up/qr/<token>}: the enrolment QR code as PNG ({@link StepUpQr}); 404 for anything that is not
 * a live link to a pending enrolment. Never cached.
 */
@Controller
public class QrCodeController {
    static final String PATH = "/step-up/qr";

    private final StepUpQr qr;

    public QrCodeController(StepUpQr qr) {
        this.qr = qr;
    }

    @Get(PATH + "/{token}")
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<byte[]> qr(@PathVariable String token) {
        return qr.png(token).<HttpResponse<byte[]>>map(png -> HttpResponse.ok(png).contentType("image/png")
                .header("Cache-Control", "no-store")).orElseGet(HttpResponse::notFound);
    }
}
