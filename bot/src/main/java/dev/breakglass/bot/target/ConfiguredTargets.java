package dev.breakglass.bot.target;

import dev.breakglass.bot.config.InvalidConfigurationException;
import dev.breakglass.policy.Policy;
import dev.breakglass.policy.TargetPolicy;
import dev.breakglass.port.TargetAdapter;
import dev.breakglass.port.TargetAdapterFactory;
import dev.breakglass.port.TargetRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every policy target's adapter, made at start ({@link Context}) from the adapter factories: a target naming an
 * unknown adapter type, or settings its adapter refuses, stops the bot with a message naming the target.
 */
@Singleton
@Context
public class ConfiguredTargets implements TargetRegistry {
    private final Map<String, TargetAdapter> adapters;

    public ConfiguredTargets(Policy policy, List<TargetAdapterFactory> factories) {
        Map<String, TargetAdapterFactory> byType = factories.stream()
                .collect(Collectors.toMap(TargetAdapterFactory::type, Function.identity(), (a, b) -> {
                    throw new InvalidConfigurationException("two adapter factories claim the type " + a.type());
                }, TreeMap::new));
        Map<String, TargetAdapter> made = new TreeMap<>();
        for (TargetPolicy target : policy.targets().values()) {
            TargetAdapterFactory factory = byType.get(target.adapter());
            if (factory == null) {
                throw new InvalidConfigurationException("targets." + target.name() + ".adapter: there is no adapter "
                        + "type \"" + target.adapter() + "\" (known: " + String.join(", ", byType.keySet()) + ")");
            }
            try {
                made.put(target.name(), factory.create(target.name(), target.settings()));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("targets." + target.name() + " (" + target.adapter()
                        + " adapter): " + e.getMessage(), e);
            }
        }
        this.adapters = Map.copyOf(made);
    }

    @Override
    public Optional<TargetAdapter> adapter(String target) {
        return Optional.ofNullable(adapters.get(target));
    }
}
