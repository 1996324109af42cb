'use client';
import { useMemo } from 'react';
import { toast } from 'sonner';
import { useMutate } from '@/components/shell/use-mutate';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { timeZones } from '@/lib/analytics/days';
import { mutators } from '@/zero/mutators';

/** The organization's time zone, in which analytics count days: administrators change it, everyone sees it. */
export function TimeZoneSetting({ orgID, timeZone, canChange }: { orgID: string; timeZone: string; canChange: boolean }) {
  const mutate = useMutate();
  const zones = useMemo(() => [...timeZones()].sort(), []);
  if (!canChange) {
    return (
      <p className="text-xs text-muted-foreground" data-testid="analytics-time-zone">
        Days in {timeZone}
      </p>
    );
  }
  async function change(next: string) {
    if (next === timeZone) return;
    if (!(await mutate(mutators.organizationSettings.update({ orgID, timeZone: next })))) toast.success(`Analytics count days in ${next} from now on.`);
  }
  return (
    <div className="flex items-center gap-2">
      <Label htmlFor="analytics-time-zone" className="text-xs text-muted-foreground">
        Time zone
      </Label>
      <Select value={timeZone} onValueChange={change}>
        <SelectTrigger id="analytics-time-zone" className="h-8 w-52 text-xs" data-testid="analytics-time-zone">
          <SelectValue />
        </SelectTrigger>
        <SelectContent className="max-h-72">
          {zones.map((zone) => (
            <SelectItem key={zone} value={zone}>
              {zone}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
