package dev.breakglass.bot.adapter;

import dev.breakglass.bot.audit.JdbcAuditLog;
import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.bot.config.LoadedPolicy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetAdapterFactory;
import dev.breakglass.port.TargetRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every policy target's adapter, made at start ({@link Context}) from the built-in adapter factories and the
 * plugins' ({@link PluginLoader}): a target naming an unknown adapter type, settings its adapter refuses, or two
 * factories claiming one type stop the bot with a message naming the target. A refused setting, built-in or
 * plugin alike, is reported with the file and line where it is written
 * ({@link LoadedPolicy#settingProblem}, an {@link dev.breakglass.bot.config.AdapterSettingsException}). Each adapter
 * is wrapped in
 * {@link MeteredTarget}, so every call runs on that target's own bounded threads with a deadline
 * ({@link TargetCallLimits}) and is timed, logged, counted and audited. The threads stop with the application.
 */
@Singleton
@Context
public class ConfiguredTargets implements TargetRegistry {
    private final Map<String, TargetAdapter> adapters;
    private final List<TargetBulkhead> bulkheads = new ArrayList<>();

    public ConfiguredTargets(LoadedPolicy policy, List<TargetAdapterFactory> builtIn, PluginLoader plugins,
                             JdbcAuditLog audit, MeterRegistry metrics, Clock clock, TargetCallLimits limits) {
        List<TargetAdapterFactory> factories = new ArrayList<>(builtIn);
        factories.addAll(plugins.factories());
        Map<String, TargetAdapterFactory> byType = factories.stream()
                .collect(Collectors.toMap(TargetAdapterFactory::type, Function.identity(), (a, b) -> {
                    throw new InvalidConfigurationException("two adapter factories claim the type \"" + a.type()
                            + "\" (" + a.getClass().getName() + " and " + b.getClass().getName() + ")");
                }, TreeMap::new));
        Map<String, TargetAdapter> made = new TreeMap<>();
        for (TargetPolicy target : policy.policy().targets().values()) {
            TargetAdapterFactory factory = byType.get(target.adapter());
            if (factory == null) {
                throw new InvalidConfigurationException("targets." + target.name() + ".adapter: there is no adapter "
                        + "type \"" + target.adapter() + "\" (known: " + String.join(", ", byType.keySet()) + ")");
            }
            try {
                TargetAdapter adapter = factory.create(target.name(), target.settings());
                TargetBulkhead bulkhead = new TargetBulkhead(target.name(), limits);
                TargetBulkhead reads = new TargetBulkhead(target.name() + "-activity", limits.forActivity());
                bulkheads.add(bulkhead);
                bulkheads.add(reads);
                made.put(target.name(), new MeteredTarget(target.name(), adapter, bulkhead, reads, audit, metrics,
                        clock));
            } catch (IllegalArgumentException e) {
                throw policy.settingProblem(target.name(), target.adapter(), e);
            }
        }
        this.adapters = Map.copyOf(made);
    }

    @Override
    public Optional<TargetAdapter> adapter(String target) {
        return Optional.ofNullable(adapters.get(target));
    }

    /** Stops the targets' threads; a call still running is interrupted (its revocation is taken over later). */
    @PreDestroy
    void stop() {
        bulkheads.forEach(TargetBulkhead::close);
    }
}
