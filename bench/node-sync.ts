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

/**
 * The owner's client renames the top ticket; the time until the teammate's live board
 * query shows the new title. Both clients run in this process, as in ENVIRONMENT.md's
 * reference measurement.
 */
export async function measureNodeSync(board: BenchBoard, loop: SampleLoop): Promise<SampleRun> {
  const view = board.teammate.zero.materialize(queries.boardTickets({ orgID: board.project.orgID, projectID: board.project.id }));
  const target = board.topTicket.id;
  try {
    await waitForData(view, (rows) => rows.length === board.ticketCount, 60_000);
    return await collectSamples(loop, async (i) => {
      const title = `Node sync ${i} ${nanoid(6)}`;
      const seen = waitForData(view, (rows) => rows.some((t) => t.id === target && t.title === title), 10_000);
      const t0 = performance.now();
      const result = board.owner.zero.mutate(mutators.ticket.update({ id: target, title }));
      await seen;
      const elapsed = performance.now() - t0;
      const outcome = await result.server;
      if (outcome.type === 'error') throw new Error(`ticket.update refused: ${outcome.error.message}`);
      return elapsed;
    });
  } finally {
    view.destroy();
  }
}
