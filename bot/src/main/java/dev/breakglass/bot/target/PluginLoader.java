package dev.breakglass.bot.target;

import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.port.TargetAdapterFactory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Third-party target adapters: every {@code *.jar} in the plugins folder ({@code BREAKGLASS_PLUGINS}, default
 * {@code ./plugins}) is searched with {@link ServiceLoader} for {@link TargetAdapterFactory} implementations
 * (listed in {@code META-INF/services/dev.breakglass.port.TargetAdapterFactory}). Plugins depend on the
 * {@code commands} module only; it comes from the bot, so they share its SPI classes.
 *
 * <p>Edge cases: no folder means no plugins; a jar that cannot be read or whose factory cannot be made stops the
 * start naming the jar. Plugins run inside the bot with its permissions: install only code you trust.
 */
@Singleton
public class PluginLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
    private final Path folder;

    public PluginLoader(@Value("${breakglass.plugins:./plugins}") String folder) {
        this.folder = Path.of(folder.isBlank() ? "./plugins" : folder.strip());
    }

    /** The factories the plugin jars provide, in jar-name order. */
    public List<TargetAdapterFactory> factories() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<TargetAdapterFactory> found = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read the plugins folder " + folder + ": " + e.getMessage(), e);
        }
        for (Path jar : jars) {
            // A class loader skips a jar it cannot read without a word; open it first so that is a clear error.
            try (JarFile readable = new JarFile(jar.toFile())) {
                readable.size();
            } catch (IOException e) {
                throw new InvalidConfigurationException("plugin " + jar + " is not a readable jar: " + e.getMessage(), e);
            }
            URL url;
            try {
                url = jar.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new InvalidConfigurationException("plugin " + jar + " has no usable path", e);
            }
            // One loader per jar, child of the bot's: a plugin sees the SPI and the JDK, and its own classes.
            URLClassLoader loader = new URLClassLoader(new URL[] {url}, TargetAdapterFactory.class.getClassLoader());
            try {
                for (TargetAdapterFactory factory : ServiceLoader.load(TargetAdapterFactory.class, loader)) {
                    if (factory.getClass().getClassLoader() == loader) {
                        LOG.info("Plugin {} provides the adapter type \"{}\"", jar.getFileName(), factory.type());
                        found.add(factory);
                    }
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new InvalidConfigurationException("plugin " + jar + " cannot be loaded: " + e.getMessage(), e);
            }
        }
        return found;
    }
}
