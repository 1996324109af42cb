// How a stage's agent reaches the model: always through the job's model socket (the relay in
// the container gives it an address on the container's own 127.0.0.1). With the supervisor's
// model proxy answering that socket, the container gets a token for the proxy that only this
// stage's runs may use: in key mode as its ANTHROPIC_API_KEY (never the key itself); in local
// mode (a person's Claude login in the job's HOME, claude-login.ts) in a header of its own,
// while the CLI's `Authorization: Bearer` (the login) passes through. The proxy meters each
// response in both modes, and its usage is the stage's usage events (the CLI's own count is
// then not emitted: transcript.ts). Without a proxy (tests of other parts), the agent gets the
// key or the scripted model directly and the CLI's count is used.
import { toError } from '@spedy/protocol/errors';
import { listPriceUsd } from '@spedy/protocol/models';
import { anthropicApiUrl } from '../egress/model-socket.ts';
import { proxyTokenHeader, type ResponseUsage } from '../model-proxy/model-proxy.ts';
import { recordModelUsage } from '../operations/metrics.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun } from './job-run.ts';
import { InfrastructureFailure } from './failures.ts';

/** The Anthropic key for the job: the vault's (or local), or none needed by the scripted model or a Claude login. */
export function agentApiKey(run: JobRun): string | undefined {
  if (run.login) return undefined;
  const key = run.ctx.secrets.ANTHROPIC_API_KEY;
  if (key) return key;
  if (run.deps.modelBaseUrl) return 'spedy-no-key';
  throw new InfrastructureFailure('No Anthropic API key: store ANTHROPIC_API_KEY under Settings → Runners → Secrets (or in the supervisor’s .env).');
}

export interface StageModelAccess {
  /** The container's ANTHROPIC_API_KEY: the proxy token, or (without a proxy) the key itself; none in local mode. */
  apiKey?: string;
  /** The container's ANTHROPIC_CUSTOM_HEADERS: the proxy token in local mode. */
  customHeaders?: string;
  /** The container's ANTHROPIC_BASE_URL; unset: Anthropic's own. */
  baseUrl?: string;
  /** Whether the proxy counts the usage (the transcript then does not). */
  metered: boolean;
  /** Withdraws the proxy token and, in local mode, writes a refreshed login back: the stage is over. */
  release(): Promise<void>;
}

/** The stage's usage event for one model response, priced with the one price list. */
export function responseUsageEvent(stageId: string, usage: ResponseUsage) {
  const { partial, ...counts } = usage;
  return jobEvent.usage(stageId, { ...counts, costUsd: listPriceUsd(counts) ?? undefined, ...(partial ? { partial: true } : {}) });
}

/** `modelUrl`: where the container reaches the job's model socket (the relay's address). */
export async function stageModelAccess(run: JobRun, stageId: string, modelUrl: string): Promise<StageModelAccess> {
  const { login } = run;
  const apiKey = agentApiKey(run);
  await login?.give().catch((error: unknown) => {
    throw new InfrastructureFailure(toError(error).message);
  });
  // A login the host cannot take back is worth a warning, not the stage.
  const giveBack = async () => {
    if (!login) return;
    await login
      .takeBack()
      .then((outcome) => outcome === 'written' && run.deps.log?.info({ file: login.hostFile }, 'the agent refreshed the Claude login; wrote it back to the host’s file'))
      .catch((error: unknown) => run.deps.log?.warn({ file: login.hostFile, err: toError(error).message }, 'could not write the refreshed Claude login back to the host’s file'));
  };
  const proxy = run.deps.modelProxy;
  if (!proxy) return { apiKey, baseUrl: modelUrl, metered: false, release: giveBack };
  const { token, revoke } = proxy.grant({
    apiKey: login ? undefined : run.ctx.secrets.ANTHROPIC_API_KEY,
    passAuthorization: login && { onToken: (bearer, accepted) => void login.sawToken(bearer, accepted) },
    // A person's login goes only where the supervisor's own settings say, never to a base URL a vault entry names.
    upstream: run.deps.modelBaseUrl ?? (login ? undefined : run.ctx.secrets.ANTHROPIC_BASE_URL) ?? anthropicApiUrl,
    // At a budget cap the next model request is refused (budget.ts).
    admit: () => run.budget.admit(),
    onUsage: (usage) => {
      run.emit(responseUsageEvent(stageId, usage));
      recordModelUsage(usage);
      const streak = run.diminishingReturns.observe(stageId, usage);
      if (streak) run.emit(jobEvent.diminishingReturns(stageId, streak));
    },
  });
  run.secrets.add([{ name: 'the model proxy token', value: token }]);
  const release = async () => {
    revoke();
    await giveBack();
  };
  if (login) return { customHeaders: `${proxyTokenHeader}: ${token}`, baseUrl: modelUrl, metered: true, release };
  return { apiKey: token, baseUrl: modelUrl, metered: true, release };
}
