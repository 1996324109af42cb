'use client';
import { nanoid } from 'nanoid';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { projectKeySchema, suggestProjectKey } from '@/lib/board/project-key';
import { defaultStatuses } from '@/lib/board/statuses';
import { mutators } from '@/zero/mutators';

export function CreateProjectDialog() {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const effectiveKey = keyTouched ? key : suggestProjectKey(name);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsedKey = projectKeySchema.safeParse(effectiveKey);
    if (!parsedKey.success) return setError(parsedKey.error.issues[0].message);
    const failure = await mutate(
      mutators.project.create({ id: nanoid(), orgID: org.id, key: parsedKey.data, name, statuses: defaultStatuses(nanoid) }),
    );
    if (failure) return setError(failure);
    setOpen(false);
    router.push(`/${org.slug}/projects/${parsedKey.data}/board`);
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>New project</Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={onSubmit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>New project</DialogTitle>
            <DialogDescription>Starts with the columns Backlog, Todo, AI Processing, In Review and Done.</DialogDescription>
          </DialogHeader>
          <div className="grid gap-1.5">
            <Label htmlFor="project-name">Name</Label>
            <Input id="project-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required autoFocus />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="project-key">Key</Label>
            <Input
              id="project-key"
              value={effectiveKey}
              onChange={(e) => {
                setKeyTouched(true);
                setKey(e.target.value.toUpperCase());
              }}
              maxLength={10}
              required
            />
            <p className="text-xs text-muted-foreground">Tickets are numbered {effectiveKey || 'KEY'}-1, {effectiveKey || 'KEY'}-2, …</p>
          </div>
          <FormError>{error}</FormError>
          <DialogFooter>
            <Button type="submit">Create project</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
