import { nanoid } from 'nanoid';
import { waitForData } from '../test/support/zero-client.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { collectSamples, type SampleLoop, type SampleRun } from './samples.ts';
import type { BenchBoard } from './seed-board.ts';

/**
 * Waits until both members' Node clients hold the whole board, so the first sample does
 * not include the initial sync of the seeded tickets.
 */
export async function waitForBoardSynced(board: BenchBoard, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const args = { orgID: board.project.orgID, projectID: board.project.id };
  for (const member of [board.owner, board.teammate]) {
    const view = member.zero.materialize(queries.boardTickets(args));
    try {
      await waitForData(view, (rows) => rows.length === board.ticketCount, timeoutMs);
    } finally {
      view.destroy();
    }
  }
  return performance.now() - started;
}

export type NodeSyncRun = SampleRun & {
  /** Per sample: mutate() → the server mutator ran (its updatedAt; whole milliseconds). */
  toServer: number[];
};

/**
 * The owner's client renames the top ticket; the time until the teammate's live board
 * query shows the new title. Both clients run in this process, as in ENVIRONMENT.md's
 * reference measurement.
 */
export async function measureNodeSync(board: BenchBoard, loop: SampleLoop): Promise<NodeSyncRun> {
  const view = board.teammate.zero.materialize(queries.boardTickets({ orgID: board.project.orgID, projectID: board.project.id }));
  const target = board.topTicket.id;
  const toServer: number[] = [];
  try {
    await waitForData(view, (rows) => rows.length === board.ticketCount, 60_000);
    const run = await collectSamples(loop, async (i) => {
      const title = `Node sync ${i} ${nanoid(6)}`;
      const seen = waitForData(view, (rows) => rows.some((t) => t.id === target && t.title === title), 10_000);
      const sentAt = Date.now();
      const t0 = performance.now();
      const result = board.owner.zero.mutate(mutators.ticket.update({ id: target, title }));
      const rows = await seen;
      const elapsed = performance.now() - t0;
      const outcome = await result.server;
      if (outcome.type === 'error') throw new Error(`ticket.update refused: ${outcome.error.message}`);
      // The server mutator stamps updatedAt with its own Date.now(), on this machine's clock.
      const updatedAt = rows.find((t) => t.id === target)?.updatedAt;
      if (i >= loop.warmup && updatedAt !== undefined) toServer.push(updatedAt - sentAt);
      return elapsed;
    });
    return { ...run, toServer };
  } finally {
    view.destroy();
  }
}
