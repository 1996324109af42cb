// Local mode (SPEDY_AI_BACKEND=local): a person's Claude Max/Pro login instead of the vault's
// key. The login is the file `claude` writes when a person logs in (~/.claude/.credentials.json,
// SPEDY_CLAUDE_CREDENTIALS). Each job gets a copy in its own HOME (.claude/.credentials.json in
// the container, beside the session transcripts --resume needs), its tokens join the job's
// secret set (masked everywhere, refused by the pre-push scan), and the agent's requests still
// go through the model proxy, which passes the login's `Authorization: Bearer` on and meters
// them (model-access.ts). The CLI refreshes an expiring login itself (at the token host below)
// and rewrites the file; when a stage ends, a copy that was refreshed goes back to the host
// file, so the person's login (whose refresh token a refresh replaces) keeps working.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { toError } from '@spedy/protocol/errors';
import { RUNNER_UID } from '../image/runner-image.ts';
import type { NamedSecret } from './job-secrets.ts';
import { ensureRunnerFolder } from './job-layout.ts';

/**
 * Where the CLI asks for a new access token (its TOKEN_URL, https://platform.claude.com/v1/oauth/token):
 * a local-mode job's egress proxy lets it through, so a login that expires mid-job is refreshed.
 * The model API itself (api.anthropic.com) is not on the list: requests go through the proxy.
 */
export const claudeLoginRefreshHost = 'platform.claude.com:443';

const loginSchema = z.looseObject({
  claudeAiOauth: z.looseObject({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).optional(),
    /** Milliseconds since the epoch. */
    expiresAt: z.number().optional(),
  }),
});

export interface ClaudeLogin {
  /** The file as it was read, written back unchanged. */
  text: string;
  accessToken: string;
  refreshToken?: string;
  /** 0 when the file does not say. */
  expiresAt: number;
}

export class ClaudeLoginError extends Error {
  override name = 'ClaudeLoginError';
}

/** The login in a credentials file's text; null when it holds none. */
export function parseClaudeLogin(text: string): ClaudeLogin | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = loginSchema.safeParse(json);
  if (!parsed.success) return null;
  const { accessToken, refreshToken, expiresAt } = parsed.data.claudeAiOauth;
  return { text, accessToken, refreshToken, expiresAt: expiresAt ?? 0 };
}

/** The host's login; a missing or unreadable file is an error that says what to do. */
export async function readClaudeLogin(file: string): Promise<ClaudeLogin> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ClaudeLoginError(
      `Local mode needs a Claude login at ${file} (SPEDY_CLAUDE_CREDENTIALS), but it could not be read (${toError(error).message}). Run \`claude\` and log in with Max or Pro, or point SPEDY_CLAUDE_CREDENTIALS at the file; setup.sh says how to export it from the macOS Keychain.`,
    );
  }
  const login = parseClaudeLogin(text);
  if (!login) throw new ClaudeLoginError(`${file} (SPEDY_CLAUDE_CREDENTIALS) is not a Claude login: it has no claudeAiOauth.accessToken. Run \`claude\` and log in again.`);
  return login;
}

/** What the job's secret set hides of a login. */
export function claudeLoginSecrets(login: ClaudeLogin): NamedSecret[] {
  return [
    { name: 'the Claude login’s access token', value: login.accessToken },
    ...(login.refreshToken ? [{ name: 'the Claude login’s refresh token', value: login.refreshToken }] : []),
  ];
}

/** Whether `candidate` is a refresh of `current`: another access token that expires later. */
export function isRefreshedLogin(candidate: ClaudeLogin, current: ClaudeLogin | null): boolean {
  if (!current) return true;
  return candidate.accessToken !== current.accessToken && candidate.expiresAt > current.expiresAt;
}

/** The job's copy, in its HOME as the CLI looks for it. */
export function jobLoginPath(home: string): string {
  return path.join(home, '.claude', '.credentials.json');
}

async function readLoginOrNull(file: string): Promise<ClaudeLogin | null> {
  try {
    return parseClaudeLogin(await fs.readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Replaces the host's file with `text`: a temporary file and a rename, so the person's own
 * `claude` never reads half a file; in place when the file is a bind mount of its own
 * (setup.sh mounts the file, and a rename onto a mount point fails), as the CLI does too.
 */
async function writeHostLogin(file: string, text: string): Promise<void> {
  const temporary = `${file}.spedy-${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, text, { mode: 0o600 });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EBUSY' && code !== 'EXDEV' && code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error;
    await fs.writeFile(file, text, { mode: 0o600 });
  }
}

// One write-back at a time in this process: two jobs that both refreshed compare with what the other wrote.
let writingBack: Promise<unknown> = Promise.resolve();

export type TakeBackOutcome = 'written' | 'unchanged' | 'not-used';

/** The login as one job uses it: its copy, the tokens the model API accepted, the write-back. */
export class JobClaudeLogin {
  private readonly accepted = new Set<string>();
  /** Tokens already in the job's secret set. */
  private readonly hidden = new Set<string>();

  constructor(
    /** The person's login file on the host (SPEDY_CLAUDE_CREDENTIALS). */
    readonly hostFile: string,
    /** The job's HOME folder on the host. */
    private readonly home: string,
    private readonly secrets: { add(secrets: readonly NamedSecret[]): void },
  ) {}

  get jobFile(): string {
    return jobLoginPath(this.home);
  }

  /** Before an agent runs: the job's HOME holds the host's login, unless its own copy is newer (refreshed, not yet written back). */
  async give(): Promise<void> {
    const host = await readClaudeLogin(this.hostFile);
    this.remember(host);
    const own = await readLoginOrNull(this.jobFile);
    if (own) this.remember(own);
    if (own && !isRefreshedLogin(host, own)) return;
    await ensureRunnerFolder(path.dirname(this.jobFile));
    await fs.writeFile(this.jobFile, host.text, { mode: 0o600 });
    if (process.getuid?.() === 0) await fs.chown(this.jobFile, RUNNER_UID, RUNNER_UID);
  }

  /**
   * A bearer token the agent sent through the model proxy, and whether the model API took it
   * (answered other than 401/403). A new one means the CLI refreshed the login: it and the
   * refresh token now in the job's copy are hidden from here on.
   */
  async sawToken(token: string, accepted: boolean): Promise<void> {
    if (accepted) this.accepted.add(token);
    if (this.hidden.has(token)) return;
    this.hide([{ name: 'the Claude login’s access token', value: token }]);
    const own = await readLoginOrNull(this.jobFile);
    if (own) this.remember(own);
  }

  /**
   * After an agent ran: a copy the CLI refreshed (another access token, a later expiry than
   * the host's, and the model API accepted that token, so an agent cannot plant a login of
   * its own) replaces the host's file.
   */
  async takeBack(): Promise<TakeBackOutcome> {
    const own = await readLoginOrNull(this.jobFile);
    if (!own) return 'unchanged';
    this.remember(own);
    const done = writingBack.then(async (): Promise<TakeBackOutcome> => {
      const host = await readLoginOrNull(this.hostFile);
      if (!isRefreshedLogin(own, host)) return 'unchanged';
      if (!this.accepted.has(own.accessToken)) return 'not-used';
      await writeHostLogin(this.hostFile, own.text);
      return 'written';
    });
    writingBack = done.catch(() => undefined);
    return done;
  }

  private remember(login: ClaudeLogin): void {
    this.hide(claudeLoginSecrets(login));
  }

  private hide(secrets: readonly NamedSecret[]): void {
    const fresh = secrets.filter((secret) => !this.hidden.has(secret.value));
    for (const secret of fresh) this.hidden.add(secret.value);
    if (fresh.length > 0) this.secrets.add(fresh);
  }
}
