package dev.breakglass.bot.adapter;

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
 * Third-party target adapters and second factors: every {@code *.jar} in the plugins folder
 * ({@code BREAKGLASS_PLUGINS}, default {@code ./plugins}) is searched with {@link ServiceLoader} for
 * {@link TargetAdapterFactory} implementations (listed in
 * {@code META-INF/services/dev.breakglass.port.TargetAdapterFactory}) and {@link dev.breakglass.port.StepUpFactory}
 * implementations (likewise). Plugins depend on the {@code commands} module only; it comes from the bot, so they
 * share its SPI classes.
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

    /** The target adapter factories the plugin jars provide, in jar-name order. */
    public List<TargetAdapterFactory> factories() {
        return load(TargetAdapterFactory.class, TargetAdapterFactory::type, "the adapter type");
    }

    /** The step-up factor factories the plugin jars provide, in jar-name order. */
    public List<dev.breakglass.port.StepUpFactory> stepUpFactories() {
        return load(dev.breakglass.port.StepUpFactory.class, dev.breakglass.port.StepUpFactory::type,
                "the step-up factor");
    }

    /**
     * The implementations of {@code spi} the plugin jars provide, in jar-name order.
     *
     * @param type what each provides, for the start-up log
     * @param what what that is, like "the adapter type"
     */
    private <T> List<T> load(Class<T> spi, java.util.function.Function<T, String> type, String what) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<T> found = new ArrayList<>();
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
            URLClassLoader loader = new URLClassLoader(new URL[] {url}, spi.getClassLoader());
            try {
                for (T factory : ServiceLoader.load(spi, loader)) {
                    if (factory.getClass().getClassLoader() == loader) {
                        LOG.info("Plugin {} provides {} \"{}\"", jar.getFileName(), what, type.apply(factory));
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
