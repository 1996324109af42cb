// A job created by hand (Settings → Runners → Jobs → Create job): no runner team, so its
// snapshot carries one default Custom stage that follows the person's instructions.
import { z } from 'zod';
import { budgetWithTicketLimits } from '../tickets/ai-budget.ts';
import type { TicketByDisplayId } from '../tickets/lookup.ts';
import { modelIds, type ModelId } from '@spedy/protocol/models';
import { builtInTools, jobSnapshot, jobTypes, runnerTag, type JobSnapshot } from '@spedy/protocol/wire';

const defaultModel: ModelId = 'claude-sonnet-4-6';

/** The body of `POST /api/orgs/[orgId]/jobs`. */
export const manualJobInput = z.object({
  title: z.string({ message: 'Give the job a title.' }).trim().min(1, 'Give the job a title.').max(300, 'Titles are at most 300 characters.'),
  instructions: z
    .string({ message: 'Write the instructions as text.' })
    .trim()
    .min(1, 'Tell the runner what to do.')
    .max(20_000, 'Instructions are at most 20,000 characters.'),
  // A Board Interaction answers a mention on its ticket: never created by hand.
  type: z.enum(jobTypes).exclude(['board_interaction'], { message: 'The job type is "streaming" or "batch".' }),
  requiredCapabilities: z.array(runnerTag).max(20, 'A job requires at most 20 capabilities.').default([]),
  requiredLabels: z.array(runnerTag).max(40, 'A job requires at most 40 labels.').default([]),
  /** A display id such as SPD-12. */
  ticket: z
    .string()
    .trim()
    .max(20)
    .optional()
    .transform((v) => v || undefined),
  model: z.enum(modelIds, { message: `The model is one of: ${modelIds.join(', ')}.` }).default(defaultModel),
  maxCostUsd: z.number({ message: 'The cost limit is a number of US dollars.' }).positive('The cost limit must be above 0.').max(1000).nullable().default(null),
});
export type ManualJobInput = z.infer<typeof manualJobInput>;

export function manualJobSnapshot(input: ManualJobInput, ticketForJob: TicketByDisplayId | null): JobSnapshot {
  const { projectId: _projectId, aiBudget, ...ticketSnapshot } = ticketForJob ?? { projectId: null, aiBudget: null };
  // A job for a ticket takes the ticket's AI budget; a cost limit the person typed for this job wins.
  const ticketLimits = budgetWithTicketLimits({ maxCostUsd: null, maxTurns: null, maxInputTokens: null, maxOutputTokens: null }, aiBudget, null);
  return jobSnapshot.parse({
    trigger: { kind: 'manual' },
    ticket: ticketForJob ? ticketSnapshot : null,
    team: null,
    instructions: input.instructions,
    pipeline: {
      steps: [
        {
          stages: [
            {
              id: 'custom',
              type: 'custom',
              name: 'Custom',
              systemPrompt: 'Carry out the instructions of this job. Keep changes focused, follow the code base conventions, and report what you did.',
              allowedTools: [...builtInTools],
              model: input.model,
              role: 'executor',
              requireApproval: false,
              validationCommands: [],
              maxRetries: 0,
              skills: [],
              mcpServers: [],
            },
          ],
        },
      ],
    },
    budget: { ...ticketLimits, maxCostUsd: input.maxCostUsd ?? ticketLimits.maxCostUsd, warningThresholdPercent: 80 },
    repositories: [],
  });
}
