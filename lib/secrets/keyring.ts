import { getConfig } from '../config.ts';
import { deriveRunnerTokenHashKey } from '../runners/token.ts';
import { createKeyring, type Keyring } from './vault.ts';

let keyring: Keyring | undefined;

export function getKeyring(): Keyring {
  if (keyring) return keyring;
  const config = getConfig();
  const old = config.SPEDY_VAULT_OLD_KEYS.split(',').map((s) => s.trim()).filter(Boolean);
  keyring = createKeyring(config.SPEDY_VAULT_MASTER_KEY, config.SPEDY_VAULT_KEY_VERSION, old);
  return keyring;
}

/** The HMAC key for runner token hashes, derived from this platform's auth secret (never stored). */
export function runnerTokenHashKey(): string {
  return deriveRunnerTokenHashKey(getConfig().BETTER_AUTH_SECRET);
}
