import { TriangleAlert } from 'lucide-react';

/** The Secrets tab's persistent reminder: what the runner does with these values, and what it does not. */
export function CostReminder() {
  return (
    <aside className="grid gap-2 rounded-lg border border-warning/40 bg-warning/5 p-4 text-sm" aria-labelledby="cost-reminder-title" data-testid="cost-reminder">
      <h3 id="cost-reminder-title" className="flex items-center gap-2 font-semibold">
        <TriangleAlert className="size-4 text-warning" aria-hidden /> Your keys, your responsibility
      </h3>
      <ul className="list-disc space-y-1 pl-5 text-muted-foreground">
        <li>
          Every job bills your Anthropic account directly. Set account-wide spend and rate limits in the Anthropic console: they are
          the limit that holds whatever happens on a runner.
        </li>
        <li>
          With an API key the agent never sees the key: the supervisor proxies each model request, meters every job&rsquo;s tokens and
          cost as it runs, and will cap each job at its budget (per-job caps are being added).
        </li>
        <li>
          Custom entries reach the agent as environment variables, which is what they are for. Spedy masks their values in
          everything it shows and refuses to push a branch that contains one, but the agent itself can read them: store only what
          jobs need.
        </li>
      </ul>
    </aside>
  );
}
