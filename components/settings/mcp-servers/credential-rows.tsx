'use client';
import { Plus, Trash2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { maxCredentialValueLength } from '@/lib/mcp/config-input';

export type CredentialRow = { key: number; name: string; value: string };

/** Name/value pairs (env vars or headers); values are typed into password fields and never pre-filled. */
export function CredentialRows({ rows, onChange, kind }: { rows: CredentialRow[]; onChange: (rows: CredentialRow[]) => void; kind: 'env' | 'headers' }) {
  const noun = kind === 'env' ? 'environment variable' : 'header';
  const update = (key: number, change: Partial<CredentialRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  return (
    <div className="grid gap-2" data-testid="credential-rows">
      {rows.map((row, index) => (
        <div key={row.key} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] gap-2">
          <Input
            value={row.name}
            onChange={(e) => update(row.key, { name: kind === 'env' ? e.target.value.toUpperCase() : e.target.value })}
            placeholder={kind === 'env' ? 'SENTRY_TOKEN' : 'Authorization'}
            aria-label={`Name of ${noun} ${index + 1}`}
            className="font-mono text-xs"
            spellCheck={false}
            autoComplete="off"
          />
          <Input
            type="password"
            value={row.value}
            onChange={(e) => update(row.key, { value: e.target.value })}
            placeholder="Value"
            aria-label={`Value of ${noun} ${index + 1}`}
            maxLength={maxCredentialValueLength}
            autoComplete="new-password"
            spellCheck={false}
          />
          <Button type="button" variant="ghost" size="icon" aria-label={`Remove ${noun} ${index + 1}`} onClick={() => onChange(rows.filter((r) => r.key !== row.key))}>
            <Trash2 aria-hidden />
          </Button>
        </div>
      ))}
      <Button
        type="button"
        variant="outline"
        size="sm"
        className="justify-self-start"
        onClick={() => onChange([...rows, { key: Math.max(0, ...rows.map((r) => r.key)) + 1, name: '', value: '' }])}
        disabled={rows.length >= 20}
      >
        <Plus aria-hidden /> Add {noun}
      </Button>
    </div>
  );
}
