// One job's secret set: every value that must not leave the supervisor while the job runs
// (vault entries, git tokens, the runner token, the job's board tools secret, and the MCP
// credentials fetched for its stages), with the one mask() that events, status reasons,
// results, commit messages, pull request bodies and the supervisor's own log lines go
// through, and the one find() the pre-push scan uses. Each value keeps a name (a vault
// entry's, "the GitHub token"…) so a refused push can say which secret it found without
// showing it. MCP credentials are fetched through the set, so a fetched value is always masked.
import type { McpServerCredentials } from '@spedy/protocol/wire';
import type { Log } from '../log.ts';
import type { RunnerSecrets } from '../secrets.ts';
import { findSecrets, maskAcross, maskDeep, maskSecrets, type SecretFormKind } from './mask.ts';

/** A status report's details as they leave the supervisor: masked, the reason bounded. */
export type StatusDetails = { reason?: string; result?: Record<string, unknown> };

/** A reason longer than this is cut (the platform stores and shows it whole). */
const maxReasonLength = 2000;

/** A secret value and what a person calls it (a vault entry's name, "the runner token"). */
export type NamedSecret = { name: string; value: string };

/** The names of the bundle's values: its environment variables and the git hosts' tokens. */
export function bundleSecrets(bundle: { env: Readonly<Record<string, string>>; git: readonly RunnerSecrets['git'][number][] }): NamedSecret[] {
  return [
    ...Object.entries(bundle.env).map(([name, value]) => ({ name, value })),
    ...bundle.git.map((access) => ({ name: `the ${access.provider === 'github' ? 'GitHub' : 'Bitbucket'} token`, value: access.token })),
  ];
}

export type JobSecretSources = {
  /** Known when the job starts: the vault entries it was given, tokens of the runner and its tools. */
  values: readonly ({ name: string; value: string | undefined } | string | undefined)[];
  /** The runner's bundle as it is now: values a refresh brings are hidden too. */
  current?: () => Pick<RunnerSecrets, 'env' | 'git'>;
  /** The job's MCP credentials from the platform (memory only); none when unset. */
  fetchMcpCredentials?: () => Promise<McpServerCredentials[]>;
};

export class JobSecrets {
  private readonly known: NamedSecret[];
  private readonly fetched: NamedSecret[] = [];
  private bundle: Pick<RunnerSecrets, 'env' | 'git'> | undefined;
  private list: string[];
  private names = new Map<string, string>();

  constructor(private readonly sources: JobSecretSources) {
    this.known = sources.values.flatMap((entry) => {
      if (typeof entry === 'string') return [{ name: 'a secret value', value: entry }];
      return entry?.value === undefined ? [] : [{ name: entry.name, value: entry.value }];
    });
    this.list = this.known.map((secret) => secret.value);
    this.nameAll(this.known);
  }

  /** The decrypted credentials of the MCP servers the job's stages use; they join the set. */
  async mcpCredentials(): Promise<McpServerCredentials[]> {
    const credentials = (await this.sources.fetchMcpCredentials?.()) ?? [];
    this.add(credentials.flatMap((server) => Object.entries(server.values).map(([name, value]) => ({ name: `${name} of an MCP server`, value }))));
    return credentials;
  }

  add(secrets: readonly NamedSecret[]): void {
    const list = this.values();
    this.fetched.push(...secrets);
    list.push(...secrets.map((secret) => secret.value));
    this.nameAll(secrets);
  }

  /** `text` with every value of the set, in any of its forms, replaced by `••••` (mask.ts). */
  readonly mask = (text: string): string => maskSecrets(text, this.values());

  /** Texts that read as one (an agent's consecutive messages) masked together, each kept apart (mask.ts). */
  maskAcross(pieces: readonly string[]): string[] {
    return maskAcross(pieces, this.values());
  }

  /** Which secrets `text` holds, in what form, by name (never the value). */
  find(text: string): { name: string; kind: SecretFormKind }[] {
    return findSecrets(text, this.values()).map(({ value, kind }) => ({ name: this.names.get(value) ?? 'a secret value', kind }));
  }

  /** Every string in `value` masked (keys included); deeper than `maxDepth`, a placeholder. */
  maskDeep(value: unknown, maxDepth?: number): unknown {
    return maskDeep(value, this.mask, maxDepth);
  }

  maskStatusDetails(details: StatusDetails = {}): StatusDetails {
    return {
      reason: details.reason === undefined ? undefined : this.mask(details.reason).slice(0, maxReasonLength),
      // Through JSON first, as the platform will store it.
      result: details.result === undefined ? undefined : (this.maskDeep(JSON.parse(JSON.stringify(details.result))) as Record<string, unknown>),
    };
  }

  /** `log` with every line's fields and message masked. */
  maskLog(log: Log): Log {
    const masked = (write: (obj: object, msg: string) => void) => (obj: object, msg: string) => write(this.maskDeep(obj) as object, this.mask(msg));
    const child = log.child?.bind(log);
    return {
      info: masked((obj, msg) => log.info(obj, msg)),
      warn: masked((obj, msg) => log.warn(obj, msg)),
      error: masked((obj, msg) => log.error(obj, msg)),
      debug: masked((obj, msg) => log.debug(obj, msg)),
      child: child && ((bindings) => this.maskLog(child(bindings))),
    };
  }

  /** The list the masker reads; rebuilt when the runner's bundle was refreshed. */
  private values(): string[] {
    const bundle = this.sources.current?.();
    if (bundle !== this.bundle) {
      this.bundle = bundle;
      const fromBundle = bundle ? bundleSecrets(bundle) : [];
      this.nameAll(fromBundle);
      this.list = [...this.known, ...fromBundle, ...this.fetched].map((secret) => secret.value);
    }
    return this.list;
  }

  /** The first name a value was given wins: a vault entry's name over "the GitHub token". */
  private nameAll(secrets: readonly NamedSecret[]): void {
    for (const { name, value } of secrets) if (!this.names.has(value)) this.names.set(value, name);
  }
}
