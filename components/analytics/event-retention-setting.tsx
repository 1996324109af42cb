'use client';
import { useState } from 'react';
import { toast } from 'sonner';
import { useMutate } from '@/components/shell/use-mutate';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { mutators } from '@/zero/mutators';
import { maxEventRetentionDays } from '@/lib/jobs/retention-setting';

/**
 * How many days a finished job keeps its events' full detail before it is compacted
 * (lib/jobs/retention.ts): administrators change it, everyone sees it.
 */
export function EventRetentionSetting({ orgID, days, canChange }: { orgID: string; days: number; canChange: boolean }) {
  const mutate = useMutate();
  const [draft, setDraft] = useState<string | null>(null);
  if (!canChange) {
    return (
      <p className="text-xs text-muted-foreground" data-testid="event-retention">
        Job detail kept {days} days
      </p>
    );
  }
  async function save() {
    if (draft === null) return;
    const next = Number(draft);
    setDraft(null);
    if (draft.trim() === '' || next === days) return;
    if (!(await mutate(mutators.organizationSettings.update({ orgID, eventRetentionDays: next })))) {
      toast.success(`Finished jobs keep their full detail for ${next} days from now on.`);
    }
  }
  return (
    <div className="flex items-center gap-2">
      <Label htmlFor="event-retention" className="text-xs text-muted-foreground">
        Keep job detail (days)
      </Label>
      <Input
        id="event-retention"
        type="number"
        min={1}
        max={maxEventRetentionDays}
        step={1}
        className="h-8 w-20 text-xs"
        value={draft ?? String(days)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
        data-testid="event-retention"
        title="Finished jobs older than this keep their summary, usage, results, pull requests and errors; streamed text and long tool output are dropped."
      />
    </div>
  );
}
