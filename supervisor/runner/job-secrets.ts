// One job's secret set: every value that must not leave the supervisor while the job runs
// (vault entries, git tokens, the runner token, the job's board tools secret, and the MCP
// credentials fetched for its stages), with the one mask() that events, status reasons,
// results, commit messages, pull request bodies and the supervisor's own log lines go
// through. MCP credentials are fetched through the set, so a fetched value is always masked.
import type { McpServerCredentials } from '@spedy/protocol/wire';
import type { Log } from '../log.ts';
import type { RunnerSecrets } from '../secrets.ts';
import { maskDeep, maskSecrets } from './mask.ts';

/** A status report's details as they leave the supervisor: masked, the reason bounded. */
export type StatusDetails = { reason?: string; result?: Record<string, unknown> };

/** A reason longer than this is cut (the platform stores and shows it whole). */
const maxReasonLength = 2000;

export type JobSecretSources = {
  /** Known when the job starts: the vault entries it was given, tokens of the runner and its tools. */
  values: readonly (string | undefined)[];
  /** The runner's bundle as it is now: values a refresh brings are hidden too. */
  current?: () => Pick<RunnerSecrets, 'env' | 'git'>;
  /** The job's MCP credentials from the platform (memory only); none when unset. */
  fetchMcpCredentials?: () => Promise<McpServerCredentials[]>;
};

export class JobSecrets {
  private readonly known: string[];
  private readonly fetched: string[] = [];
  private bundle: Pick<RunnerSecrets, 'env' | 'git'> | undefined;
  private list: string[];

  constructor(private readonly sources: JobSecretSources) {
    this.known = sources.values.filter((value): value is string => value !== undefined);
    this.list = [...this.known];
  }

  /** The decrypted credentials of the MCP servers the job's stages use; they join the set. */
  async mcpCredentials(): Promise<McpServerCredentials[]> {
    const credentials = (await this.sources.fetchMcpCredentials?.()) ?? [];
    this.add(credentials.flatMap((server) => Object.values(server.values)));
    return credentials;
  }

  add(values: readonly string[]): void {
    const list = this.values();
    this.fetched.push(...values);
    list.push(...values);
  }

  /** `text` with every value of the set replaced by `••••` (mask.ts). */
  readonly mask = (text: string): string => maskSecrets(text, this.values());

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
      const fromBundle = bundle ? [...Object.values(bundle.env), ...bundle.git.map((access) => access.token)] : [];
      this.list = [...this.known, ...fromBundle, ...this.fetched];
    }
    return this.list;
  }
}
