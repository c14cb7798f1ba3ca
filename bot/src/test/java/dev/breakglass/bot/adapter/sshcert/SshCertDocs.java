package dev.breakglass.bot.adapter.sshcert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The code blocks of docs/adapters-ssh-cert.md, so tests can run what the page shows. */
final class SshCertDocs {
    private SshCertDocs() {
    }

    /** docs/adapters-ssh-cert.md, found from the module folder (where surefire runs) or the repository root. */
    static Path file() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/adapters-ssh-cert.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/adapters-ssh-cert.md not found above " + Path.of("").toAbsolutePath());
    }

    /** Every fenced block with the language {@code language}, in page order, without the fences. */
    static List<String> blocks(String language) {
        String markdown;
        try {
            markdown = Files.readString(file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> blocks = new ArrayList<>();
        String open = "```" + language + "\n";
        for (int at = markdown.indexOf(open); at >= 0; at = markdown.indexOf(open, at + 1)) {
            int from = at + open.length();
            blocks.add(markdown.substring(from, markdown.indexOf("\n```", from) + 1));
        }
        return blocks;
    }

    /** The host script that ends sessions by key id. */
    static String killScript() {
        return blocks("sh").stream().filter(b -> b.startsWith("#!/bin/sh") && b.contains("kill-breakglass-sessions"))
                .findFirst().orElseThrow(() -> new AssertionError("the page has no kill-breakglass-sessions script"));
    }

    /** The complete policy example. */
    static String policy() {
        return blocks("yaml").stream().filter(b -> b.startsWith("channels:")).findFirst()
                .orElseThrow(() -> new AssertionError("the page has no complete policy"));
    }
}
