import { TriangleAlert } from 'lucide-react';

/** The spec's persistent reminder on the Secrets tab (its final wording comes with budget enforcement). */
export function CostReminder() {
  return (
    <aside className="grid gap-2 rounded-lg border border-warning/40 bg-warning/5 p-4 text-sm" aria-labelledby="cost-reminder-title" data-testid="cost-reminder">
      <h3 id="cost-reminder-title" className="flex items-center gap-2 font-semibold">
        <TriangleAlert className="size-4 text-warning" aria-hidden /> Your keys, your responsibility
      </h3>
      <ul className="list-disc space-y-1 pl-5 text-muted-foreground">
        <li>
          Every job runs against your Anthropic key. Spedy does not cap, proxy, or subsidise token usage — costs bill directly to
          your Anthropic account.
        </li>
        <li>
          Set budgets and rate limits in the Anthropic dashboard and per-job token budgets under Runner Teams. Agent loops can spiral
          into six-figure cache-read counts if left uncapped.
        </li>
        <li>
          Never commit credentials, .env files, or private keys into repositories the runner touches. The agent reads the full
          working tree as context and may echo committed secrets back into logs, commits, or PR descriptions.
        </li>
      </ul>
    </aside>
  );
}
