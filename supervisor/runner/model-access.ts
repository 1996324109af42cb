// How a stage's agent reaches the model: always through the job's model socket (the relay in
// the container gives it an address on the container's own 127.0.0.1). With the supervisor's
// model proxy answering that socket (key mode), the container gets a token for the proxy that
// only this stage's runs may use, never the key;
// the proxy meters each response, and its usage is the stage's usage events (the CLI's own
// count is then not emitted: transcript.ts). Without a proxy (tests of other parts), the
// agent gets the key or the scripted model directly and the CLI's count is used.
import { listPriceUsd } from '@spedy/protocol/models';
import { anthropicApiUrl } from '../egress/model-socket.ts';
import type { ResponseUsage } from '../model-proxy/model-proxy.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun } from './job-run.ts';
import { InfrastructureFailure } from './failures.ts';

/** The Anthropic key for the job: the vault's (or local), or none needed by the scripted model. */
export function agentApiKey(run: JobRun): string {
  const key = run.ctx.secrets.ANTHROPIC_API_KEY;
  if (key) return key;
  if (run.deps.modelBaseUrl) return 'spedy-no-key';
  throw new InfrastructureFailure('No Anthropic API key: store ANTHROPIC_API_KEY under Settings → Runners → Secrets (or in the supervisor’s .env).');
}

export interface StageModelAccess {
  /** The container's ANTHROPIC_API_KEY: the proxy token, or (without a proxy) the key itself. */
  apiKey: string;
  /** The container's ANTHROPIC_BASE_URL; unset: Anthropic's own. */
  baseUrl?: string;
  /** Whether the proxy counts the usage (the transcript then does not). */
  metered: boolean;
  /** Withdraws the proxy token: the stage is over. */
  release(): void;
}

/** The stage's usage event for one model response, priced with the one price list. */
export function responseUsageEvent(stageId: string, usage: ResponseUsage) {
  const { partial, ...counts } = usage;
  return jobEvent.usage(stageId, { ...counts, costUsd: listPriceUsd(counts) ?? undefined, ...(partial ? { partial: true } : {}) });
}

/** `modelUrl`: where the container reaches the job's model socket (the relay's address). */
export function stageModelAccess(run: JobRun, stageId: string, modelUrl: string): StageModelAccess {
  const secrets = run.ctx.secrets;
  const proxy = run.deps.modelProxy;
  if (!proxy) return { apiKey: agentApiKey(run), baseUrl: modelUrl, metered: false, release: () => undefined };
  agentApiKey(run);
  const { token, revoke } = proxy.grant({
    apiKey: secrets.ANTHROPIC_API_KEY,
    upstream: run.deps.modelBaseUrl ?? secrets.ANTHROPIC_BASE_URL ?? anthropicApiUrl,
    onUsage: (usage) => {
      run.emit(responseUsageEvent(stageId, usage));
      const streak = run.diminishingReturns.observe(stageId, usage);
      if (streak) run.emit(jobEvent.diminishingReturns(stageId, streak));
    },
  });
  run.secrets.add([{ name: 'the model proxy token', value: token }]);
  return { apiKey: token, baseUrl: modelUrl, metered: true, release: revoke };
}
