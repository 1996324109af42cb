// What a person did to a job (job_action rows, written by the job mutators in
// zero/mutators/runner.ts), and how the feed says it: "Dana approved the plan".
// No React and no server-only imports: the shared mutators and the feed use it.

export const jobActionKinds = ['answered', 'approved', 'requested_changes', 'stopped', 'continued', 'cancelled', 'set_budget'] as const;
export type JobActionKind = (typeof jobActionKinds)[number];

/** What the job.respond mutator's action is recorded as. */
export const respondActionKind = { input: 'answered', approve: 'approved', revise: 'requested_changes', continue: 'continued' } as const satisfies Record<string, JobActionKind>;

const sentences: Record<JobActionKind, string> = {
  answered: 'answered',
  approved: 'approved the plan',
  requested_changes: 'asked for changes to the plan',
  stopped: 'stopped the job',
  continued: 'continued the job',
  cancelled: 'ended the job',
  set_budget: 'set the job’s budget',
};

/**
 * "Dana approved the plan", "Sam answered: “Use PostgreSQL 16”", "Ann set the job’s budget: cost $12.00".
 * An action of a kind this build does not know reads as "Dana acted on the job".
 */
export function jobActionSentence(actorName: string | null | undefined, action: string, text?: string | null): string {
  const who = actorName?.trim() || 'Someone';
  const what = Object.hasOwn(sentences, action) ? sentences[action as JobActionKind] : 'acted on the job';
  const said = text?.trim();
  if (!said) return `${who} ${what}`;
  return action === 'set_budget' ? `${who} ${what}: ${said}` : `${who} ${what}: “${said}”`;
}
