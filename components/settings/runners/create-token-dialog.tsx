'use client';
import { endOfDay, format } from 'date-fns';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormError } from '@/components/ui/form-error';
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
  const [open, setOpen] = useState(false);
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

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
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
    reset();
    setOpen(false);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>Create token</Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={onSubmit} className="grid gap-4" data-testid="create-token-form">
          <DialogHeader>
            <DialogTitle>Create a runner token</DialogTitle>
            <DialogDescription>You will see the token once, right after creating it. Copy it then.</DialogDescription>
          </DialogHeader>
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
          <FormError>{error}</FormError>
          <DialogFooter>
            <Button type="submit" disabled={pending}>
              {pending ? 'Creating…' : 'Create token'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
