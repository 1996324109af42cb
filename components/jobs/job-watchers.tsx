'use client';
import { Avatar } from '@/components/ui/avatar';
import type { Watcher } from '@/lib/jobs/presence';

/** The avatars of the other people who have this job's page open right now. */
export function JobWatchers({ watchers }: { watchers: Watcher[] }) {
  if (watchers.length === 0) return null;
  const names = watchers.map((w) => w.name).join(', ');
  return (
    <div className="flex items-center gap-1.5" aria-label={`Also watching: ${names}`} data-testid="job-watchers">
      <span className="text-xs text-muted-foreground">Also watching</span>
      <ul className="flex -space-x-1.5">
        {watchers.map((w) => (
          <li key={w.userId} data-testid="job-watcher" data-user={w.userId}>
            <Avatar name={w.name} size="sm" className="ring-2 ring-background" />
          </li>
        ))}
      </ul>
    </div>
  );
}
