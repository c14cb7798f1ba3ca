package dev.breakglass.bot.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every picture and page the docs link to by a relative path is in the repository. */
class DocsImagesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(((?!https?:|#|mailto:)[^)\\s#]+)(#[^)]*)?\\)");

    @Test
    void relativeLinksInReadmeAndDocsResolve() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int images = 0;
        for (Path page : pages) {
            // code blocks and code spans quote text, they do not link
            String prose = Files.readString(page).replaceAll("(?s)```.*?```", "").replaceAll("`[^`\n]*`", "");
            Matcher m = LINK.matcher(prose);
            while (m.find()) {
                Path target = page.getParent().resolve(m.group(1)).normalize();
                images += m.group(1).endsWith(".png") ? 1 : 0;
                if (!Files.exists(target)) {
                    broken.add(ROOT.relativize(page) + " → " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(images >= 5, "the quick start shows the console's screenshots: " + images);
    }
}
