'use client';
import { endOfDay, format } from 'date-fns';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import type { Runner } from '@/zero/schema.gen';
import { useOrgApi } from '../use-org-api';

export type CreatedToken = { id: string; name: string; token: string; prefix: string; apiUrl: string };

const anyRunner = '__any__';

export function CreateTokenDialog({ runners, onCreated }: { runners: readonly Runner[]; onCreated: (token: CreatedToken) => void }) {
  const id = useId();
  const api = useOrgApi();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [runnerId, setRunnerId] = useState(anyRunner);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function reset() {
    setName('');
    setExpires('');
    setRunnerId(anyRunner);
    setError(null);
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    setPending(true);
    setError(null);
    const result = await api<{ id: string; token: string; prefix: string; apiUrl: string }>('POST', 'runner-tokens', {
      name,
      // The end of the chosen day, in this browser's time zone.
      expiresAt: expires ? endOfDay(new Date(`${expires}T00:00:00`)).getTime() : null,
      runnerId: runnerId === anyRunner ? null : runnerId,
    });
    setPending(false);
    if (!result.ok) return setError(result.error);
    onCreated({ ...result.data, name: name.trim() });
    close();
  }

  return (
    <FormDialog
      trigger={<Button>Create token</Button>}
      title="Create a runner token"
      description="You will see the token once, right after creating it. Copy it then."
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel="Create token"
      pendingLabel="Creating…"
      testId="create-token-form"
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-name`}>Name</Label>
        <Input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder="My Dev Runner" maxLength={100} required autoFocus />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-expires`}>Expires (optional)</Label>
        <Input id={`${id}-expires`} type="date" value={expires} min={format(new Date(), 'yyyy-MM-dd')} onChange={(e) => setExpires(e.target.value)} />
        <p className="text-xs text-muted-foreground">Leave empty for a token that works until you revoke it.</p>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-runner`}>Runner scope (optional)</Label>
        <Select value={runnerId} onValueChange={setRunnerId}>
          <SelectTrigger id={`${id}-runner`} className="w-full">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={anyRunner}>Any runner</SelectItem>
            {runners.map((r) => (
              <SelectItem key={r.id} value={r.id}>
                Only {r.name}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <p className="text-xs text-muted-foreground">A scoped token may only act as that runner.</p>
      </div>
    </FormDialog>
  );
}
