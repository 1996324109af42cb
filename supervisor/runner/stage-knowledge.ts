// Before a stage's first turn: the knowledge entries the platform pre-selects for the ticket
// (lib/knowledge/preselect.ts). Knowledge helps but is not needed: when the platform cannot
// give it, the stage starts without it and the feed says so.
import { toError } from '@spedy/protocol/errors';
import type { KnowledgeEntryWire } from '@spedy/protocol/knowledge-wire';
import { jobEvent } from './job-events.ts';
import type { JobRun, StageState } from './job-run.ts';

/** `plan`: what earlier stages produced (paths named in it count for pre-selection). */
export async function preloadStageKnowledge(run: JobRun, state: StageState, plan: string): Promise<KnowledgeEntryWire[]> {
  if (!run.deps.preloadKnowledge) return [];
  try {
    const entries = await run.deps.preloadKnowledge({ stageId: state.stage.id, plan });
    if (entries.length > 0) run.emit(jobEvent.notice(`Pre-loaded ${entries.length} ${entries.length === 1 ? 'lesson' : 'lessons'} from earlier reviews.`, state.stage.id));
    return entries;
  } catch (error) {
    run.emit(jobEvent.notice(`Knowledge from earlier reviews could not be loaded (${toError(error).message}); the stage starts without it.`, state.stage.id));
    return [];
  }
}
