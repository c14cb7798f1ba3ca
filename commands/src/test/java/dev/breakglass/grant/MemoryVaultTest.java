package dev.breakglass.grant;

import dev.breakglass.port.CredentialVault;
import dev.breakglass.port.CredentialVaultContract;

/** The in-memory vault of the core's reveal tests ({@link Fakes.Vault}) keeps the JDBC vault's contract. */
class MemoryVaultTest extends CredentialVaultContract {
    private final Fakes.Vault vault = new Fakes.Vault();

    @Override
    protected CredentialVault openVault() {
        return vault;
    }

    @Override
    protected int reveals(GrantId grant) {
        synchronized (vault) {
            return vault.reveals.getOrDefault(grant, 0);
        }
    }
}
