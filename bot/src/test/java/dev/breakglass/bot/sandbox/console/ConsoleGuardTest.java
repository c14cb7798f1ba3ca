package dev.breakglass.bot.sandbox.console;

import io.micronaut.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may use the console: this machine only, unless opened on purpose; never another site. */
class ConsoleGuardTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static InetAddress address(String ip) throws Exception {
        return InetAddress.getByName(ip);
    }

    @Test
    void aBrowserOnThisMachinePasses() throws Exception {
        assertEquals(Optional.empty(), ConsoleGuard.refusal(false, LOOPBACK, "localhost:3000", null, HttpMethod.GET));
        assertEquals(Optional.empty(), ConsoleGuard.refusal(false, address("127.0.0.1"), "127.0.0.1:3000",
                "http://127.0.0.1:3000", HttpMethod.POST));
        assertEquals(Optional.empty(), ConsoleGuard.refusal(false, address("::1"), "[::1]:3000", "http://[::1]:3000",
                HttpMethod.POST));
        assertEquals(Optional.empty(), ConsoleGuard.refusal(false, LOOPBACK, "localhost:3000", null, HttpMethod.POST),
                "curl sends no Origin");
    }

    @Test
    void anotherMachineIsRefusedUnlessTheConsoleIsPublic() throws Exception {
        Optional<String> refused = ConsoleGuard.refusal(false, address("192.0.2.10"), "bot.example:3000", null,
                HttpMethod.GET);
        assertTrue(refused.orElseThrow().contains("BREAKGLASS_SANDBOX_PUBLIC=true"), refused.toString());
        assertEquals(Optional.empty(), ConsoleGuard.refusal(true, address("192.0.2.10"), "bot.example:3000", null,
                HttpMethod.GET));
    }

    @Test
    void aRequestForAnotherNameIsRefused() {
        // DNS rebinding: evil.example now resolves to 127.0.0.1, but the browser still says Host: evil.example
        Optional<String> refused = ConsoleGuard.refusal(false, LOOPBACK, "evil.example:3000", null, HttpMethod.GET);
        assertTrue(refused.orElseThrow().contains("only requests for localhost"), refused.toString());
        assertTrue(ConsoleGuard.refusal(false, LOOPBACK, null, null, HttpMethod.GET).isPresent(), "no Host at all");
    }

    @Test
    void anActionFromAnotherSiteIsRefusedEvenWhenPublic() {
        for (boolean open : new boolean[] {false, true}) {
            Optional<String> refused = ConsoleGuard.refusal(open, LOOPBACK, "localhost:3000", "https://evil.example",
                    HttpMethod.POST);
            assertTrue(refused.orElseThrow().contains("another site"), refused.toString());
            assertTrue(ConsoleGuard.refusal(open, LOOPBACK, "localhost:3000", "null", HttpMethod.POST).isPresent(),
                    "an opaque origin (a sandboxed frame) is not the console");
            assertTrue(ConsoleGuard.refusal(open, LOOPBACK, "localhost:3000", "http://localhost:3001",
                    HttpMethod.POST).isPresent(), "another port is another origin");
        }
        assertEquals(Optional.empty(), ConsoleGuard.refusal(false, LOOPBACK, "localhost:3000", "https://evil.example",
                HttpMethod.GET), "reading needs no Origin check: the browser keeps the answer from the other site");
    }
}
