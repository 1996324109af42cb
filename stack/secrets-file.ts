import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { displayPath } from './paths.ts';

export interface LocalSecrets {
  /** Better Auth's signing secret (`BETTER_AUTH_SECRET`). */
  betterAuthSecret: string;
  /** Key that encrypts the vault (`SPEDY_VAULT_MASTER_KEY`); losing it loses the vault's contents. */
  vaultMasterKey: string;
  /** The embedded PostgreSQL superuser's password (it listens on loopback only). */
  databasePassword: string;
  /** The demo owner's sign-in password, printed beside the URL. */
  demoPassword: string;
}

const FIELDS = {
  betterAuthSecret: 'BETTER_AUTH_SECRET',
  vaultMasterKey: 'SPEDY_VAULT_MASTER_KEY',
  databasePassword: 'SPEDY_EMBEDDED_DATABASE_PASSWORD',
  demoPassword: 'SPEDY_DEMO_PASSWORD',
} as const satisfies Record<keyof LocalSecrets, string>;

/** Passwords go into URLs and are typed by people: URL-safe characters only. */
function generateSecret(field: keyof LocalSecrets): string {
  if (field === 'demoPassword') return randomBytes(12).toString('base64url');
  if (field === 'databasePassword') return randomBytes(24).toString('base64url');
  return randomBytes(32).toString('base64');
}

/**
 * Each secret comes from its environment variable when set, else from
 * `${dataDir}/secrets.json`, where it is generated once (32 random bytes,
 * base64, file mode 0600) and reused on later starts. Values from the
 * environment are never written to the file. A corrupt file is an error, never
 * silently replaced (a new vault key would make stored secrets unreadable).
 */
export async function loadOrCreateLocalSecrets(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Record<keyof LocalSecrets, string>> = {};
  let exists = false;
  try {
    const text = await fs.readFile(file, 'utf8');
    exists = true;
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    stored = parsed as typeof stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `${displayPath(file)} is unreadable (${(err as Error).message}). Fix or restore it; ` +
          `deleting it generates new secrets, which signs everyone out and makes the existing vault unreadable.`,
      );
    }
  }

  const result = {} as LocalSecrets;
  let changed = false;
  for (const [field, envName] of Object.entries(FIELDS) as [keyof LocalSecrets, string][]) {
    const fromEnv = env[envName];
    if (fromEnv) {
      result[field] = fromEnv;
    } else if (typeof stored[field] === 'string' && stored[field]) {
      result[field] = stored[field];
    } else {
      result[field] = stored[field] = generateSecret(field);
      changed = true;
    }
  }

  if (changed) {
    await fs.mkdir(dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(tmp, file);
  } else if (exists) {
    const { mode } = await fs.stat(file);
    if ((mode & 0o077) !== 0) await fs.chmod(file, 0o600);
  }
  return result;
}
