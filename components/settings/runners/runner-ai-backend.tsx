import type { AiBackend } from '@spedy/protocol/wire';

/** How a runner reaches the model, in the Runners tab's words. */
const labels: Record<AiBackend, { label: string; title: string }> = {
  key: { label: 'Anthropic key', title: 'Jobs use the organization’s ANTHROPIC_API_KEY from Settings → Runners → Secrets, through the supervisor’s model proxy.' },
  local: { label: 'Local Claude', title: 'Jobs use a person’s Claude Max/Pro login on the runner’s host (setup.sh --mode local), through the supervisor’s model proxy.' },
};

/** A supervisor from before the mode was reported knew only key mode. */
export function RunnerAiBackend({ aiBackend }: { aiBackend: AiBackend | null | undefined }) {
  const { label, title } = labels[aiBackend ?? 'key'];
  return (
    <span title={title} data-testid="runner-ai-backend">
      {label}
    </span>
  );
}
