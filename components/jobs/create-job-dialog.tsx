'use client';
import { useId, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { models, type ModelId } from '@spedy/protocol/models';
import { useOrgApi } from '@/components/settings/use-org-api';

const words = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);

export function CreateJobDialog({ onCreated }: { onCreated: (jobID: string) => void }) {
  const id = useId();
  const api = useOrgApi();
  const [title, setTitle] = useState('');
  const [instructions, setInstructions] = useState('');
  const [type, setType] = useState<'streaming' | 'batch'>('streaming');
  const [ticket, setTicket] = useState('');
  const [capabilities, setCapabilities] = useState('claude_code');
  const [labels, setLabels] = useState('');
  const [model, setModel] = useState<ModelId>('claude-sonnet-4-6');
  const [maxCost, setMaxCost] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function reset() {
    setTitle('');
    setInstructions('');
    setTicket('');
    setLabels('');
    setMaxCost('');
    setError(null);
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    setPending(true);
    setError(null);
    const result = await api<{ job: { id: string } }>('POST', 'jobs', {
      title,
      instructions,
      type,
      ticket: ticket.trim() || undefined,
      requiredCapabilities: words(capabilities),
      requiredLabels: words(labels),
      model,
      maxCostUsd: maxCost.trim() ? Number(maxCost) : null,
    });
    setPending(false);
    if (!result.ok) return setError(result.error);
    toast.success('Job created. It is Ready for a matching runner.');
    close();
    onCreated(result.data.job.id);
  }

  return (
    <FormDialog
      trigger={<Button>Create job</Button>}
      title="Create a job"
      description="A one-stage job that follows your instructions. It waits as Ready until a matching runner claims it."
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel="Create job"
      pendingLabel="Creating…"
      testId="create-job-form"
      className="sm:max-w-xl"
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-title`}>Title</Label>
        <Input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} required autoFocus />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-instructions`}>Instructions</Label>
        <Textarea id={`${id}-instructions`} value={instructions} onChange={(e) => setInstructions(e.target.value)} rows={4} maxLength={20_000} required />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-type`}>Type</Label>
          <Select value={type} onValueChange={(v) => setType(v === 'batch' ? 'batch' : 'streaming')}>
            <SelectTrigger id={`${id}-type`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="streaming">Streaming (live view)</SelectItem>
              <SelectItem value="batch">Batch (in the background)</SelectItem>
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-ticket`}>Ticket (optional)</Label>
          <Input id={`${id}-ticket`} value={ticket} onChange={(e) => setTicket(e.target.value)} placeholder="SPD-12" maxLength={20} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-capabilities`}>Required capabilities</Label>
          <Input id={`${id}-capabilities`} value={capabilities} onChange={(e) => setCapabilities(e.target.value)} placeholder="claude_code" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-labels`}>Required labels</Label>
          <Input id={`${id}-labels`} value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="backend, typescript" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-model`}>Model</Label>
          <Select value={model} onValueChange={(v) => setModel(v as ModelId)}>
            <SelectTrigger id={`${id}-model`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {models.map((m) => (
                <SelectItem key={m.id} value={m.id}>
                  {m.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-max-cost`}>Max cost in USD (optional)</Label>
          <Input id={`${id}-max-cost`} type="number" min="0.01" step="0.01" value={maxCost} onChange={(e) => setMaxCost(e.target.value)} placeholder="No limit" />
        </div>
      </div>
      <p className="text-xs text-muted-foreground">Separate capabilities and labels with commas or spaces. Only runners that declare all of them pick the job up.</p>
    </FormDialog>
  );
}
