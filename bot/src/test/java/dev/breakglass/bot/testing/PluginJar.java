package dev.breakglass.bot.testing;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A plugin as its author would ship it: one source file compiled against the {@code commands} module alone (the
 * SPI's jar or classes), packed in a jar with its {@code META-INF/services} entry.
 */
public final class PluginJar {
    private PluginJar() {
    }

    /**
     * Compiles {@code source} (class {@code className}, which implements {@code spi}) in {@code work} and writes
     * {@code plugins/<jarName>}.
     *
     * @return the jar
     */
    public static Path build(Path work, Path plugins, String jarName, String className, String source, Class<?> spi)
            throws Exception {
        Path src = work.resolve("src/" + className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(work.resolve("classes-" + jarName));
        String classpath = Path.of(spi.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "--release", "21", "-classpath", classpath, "-d", classes.toString(),
                src.toString());
        if (rc != 0) {
            throw new AssertionError("the plugin does not compile: " + errors.toString(StandardCharsets.UTF_8));
        }
        Path jar = Files.createDirectories(plugins).resolve(jarName);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("META-INF/services/" + spi.getName()));
            j.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }
}
