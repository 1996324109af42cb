'use client';
import { TriangleAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { CopyButton } from '@/components/ui/copy-button';
import type { CreatedToken } from './create-token-dialog';
import { BundleDownload } from './bundle-download';
import { ReadinessChecklist } from './readiness-checklist';

/** The only time a token is shown. Dismissing it forgets the token in this browser too. */
export function TokenCreatedPanel({ created, onDismiss }: { created: CreatedToken; onDismiss: () => void }) {
  const snippet = `SPEDY_API_URL=${created.apiUrl}\nSPEDY_RUNNER_TOKEN=${created.token}\n`;
  return (
    <div className="grid gap-4 rounded-lg border border-primary/30 bg-muted/40 p-4" data-testid="token-created" role="region" aria-label={`New token ${created.name}`}>
      <div className="flex gap-2 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
        <p>
          <span className="font-medium">Copy the token for “{created.name}” now.</span> Spedy stores only its hash, so it cannot show
          it again. Lost it? Revoke it and create a new one.
        </p>
      </div>
      <div className="grid gap-1.5">
        <span className="text-sm font-medium" id="new-token-label">Token</span>
        <div className="flex gap-2">
          <Input readOnly value={created.token} aria-labelledby="new-token-label" data-testid="new-token" className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={created.token} label="Copy token" />
        </div>
      </div>
      <div className="grid gap-1.5">
        <div className="flex items-center justify-between gap-2">
          <span className="text-sm font-medium" id="env-snippet-label">
            <code>.env</code> for the Spedy Supervisor
          </span>
          <CopyButton text={snippet} label="Copy .env snippet" />
        </div>
        <pre aria-labelledby="env-snippet-label" className="overflow-x-auto rounded-md border bg-background p-3 font-mono text-xs" data-testid="env-snippet">
          {snippet}
        </pre>
        <div className="flex flex-wrap items-center gap-3 text-sm text-muted-foreground">
          <BundleDownload />
          <span>
            Unpack it, run <code>./setup.sh</code> with these values, then <code>docker compose up -d</code>.
          </span>
        </div>
      </div>
      <ReadinessChecklist />
      <div className="flex justify-end">
        <Button type="button" variant="secondary" onClick={onDismiss}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}
