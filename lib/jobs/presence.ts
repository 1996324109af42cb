// Who is watching a job's page right now. Each open page heartbeats a job_viewer row (the
// jobViewer mutators, zero/mutators/presence.ts) that Zero replicates to every other open
// page; a page closed cleanly deletes its row, and one that vanished (a crash, a lost
// network, a tab the browser froze) drops out once its row is older than `expiry`. Ages are
// measured against the newest heartbeat in the rows (all server times), never against the
// browser's clock, so a skewed clock neither hides nor keeps anyone.

/** How often an open job page says it is still there. */
export const presenceHeartbeatMs = 10_000;
/** A viewer whose latest heartbeat is this much older than the newest one has left. */
export const presenceExpiryMs = 3 * presenceHeartbeatMs;

export type ViewerRow = { userId: string; seenAt: number; user?: { name: string | null } | null | undefined };
export type Watcher = { userId: string; name: string };

/** The people other than `selfId` with the page open now, by name. */
export function watchersNow(rows: readonly ViewerRow[], selfId: string): Watcher[] {
  const newest = Math.max(...rows.map((row) => row.seenAt));
  return rows
    .filter((row) => row.userId !== selfId && newest - row.seenAt <= presenceExpiryMs)
    .map((row) => ({ userId: row.userId, name: row.user?.name?.trim() || 'Someone' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Rows of viewers gone this long are deleted with the next heartbeat of anyone on the page. */
export function isStaleViewer(seenAt: number, now: number): boolean {
  return now - seenAt > 2 * presenceExpiryMs;
}
