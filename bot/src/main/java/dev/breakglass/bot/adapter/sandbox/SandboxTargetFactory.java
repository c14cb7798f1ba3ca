package dev.breakglass.bot.adapter.sandbox;

import dev.breakglass.bot.adapter.AdapterFactory;
import dev.breakglass.bot.adapter.AdapterSettings;
import dev.breakglass.bot.adapter.EnvironmentVariables;
import dev.breakglass.port.Credentials;
import dev.breakglass.port.Extending;
import dev.breakglass.port.GrantRequest;
import dev.breakglass.port.Provisioned;
import dev.breakglass.port.TargetAdapter;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes {@code sandbox} targets: each grant gets a made-up account {@code bg-<n>} and a random password that
 * opens nothing; revoke forgets the account, verify checks it is forgotten. Accepts no settings.
 */
@Singleton
public class SandboxTargetFactory extends AdapterFactory<Void, TargetAdapter> {

    /** Refuses every setting: there is nothing to set. */
    public SandboxTargetFactory() {
        super("sandbox", EnvironmentVariables.of(Map.of()), (given, env) -> {
            new AdapterSettings("sandbox", given, env).onlyKeys(List.of(), "nothing: it takes no settings");
            return null;
        });
    }

    @Override
    protected TargetAdapter make(String target, Void settings) {
        return new SandboxTarget(target);
    }

    /** One pretend system: remembers which accounts exist. */
    static final class SandboxTarget implements TargetAdapter {
        private static final SecureRandom RANDOM = new SecureRandom();
        private final String name;
        private final Set<String> accounts = ConcurrentHashMap.newKeySet();

        SandboxTarget(String name) {
            this.name = name;
        }

        @Override
        public Provisioned grant(GrantRequest request) {
            String account = "bg-" + request.id().value();
            accounts.add(account);
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("system", name + " (sandbox: opens nothing real)");
            fields.put("username", account);
            fields.put("password", "sandbox-" + Long.toHexString(RANDOM.nextLong()));
            return new Provisioned(request, "{\"account\":\"" + account + "\"}", Optional.of(new Credentials(fields)));
        }

        @Override
        public void revoke(Provisioned provisioned) {
            accounts.remove("bg-" + provisioned.request().id().value());
        }

        /** Pretend accounts last until revoked, like a MySQL account. */
        @Override
        public Extending extending() {
            return Extending.NO_BUILT_IN_END;
        }

        @Override
        public boolean verifyRevoked(Provisioned provisioned) {
            return !accounts.contains("bg-" + provisioned.request().id().value());
        }
    }
}
