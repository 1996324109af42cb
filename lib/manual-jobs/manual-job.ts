// A job created by hand (Settings → Runners → Jobs → Create job): no runner team, so its
// snapshot carries one default Custom stage that follows the person's instructions.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { parseDisplayId, formatDisplayId } from '../board/display-id.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { project, ticket, ticketDescription } from '../db/schema.ts';
import { modelIds, type ModelId } from '@spedy/protocol/models';
import { builtInTools, jobSnapshot, runnerTag, type JobSnapshot } from '@spedy/protocol/wire';

const defaultModel: ModelId = 'claude-sonnet-4-6';

/** The body of `POST /api/orgs/[orgId]/jobs`. */
export const manualJobInput = z.object({
  title: z.string({ message: 'Give the job a title.' }).trim().min(1, 'Give the job a title.').max(300, 'Titles are at most 300 characters.'),
  instructions: z
    .string({ message: 'Write the instructions as text.' })
    .trim()
    .min(1, 'Tell the runner what to do.')
    .max(20_000, 'Instructions are at most 20,000 characters.'),
  type: z.enum(['streaming', 'batch'], { message: 'The job type is "streaming" or "batch".' }),
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

export type TicketForJob = NonNullable<JobSnapshot['ticket']> & { projectId: string };

/** The ticket behind a display id, only in this organization (else "not found", as for any other org's). */
export async function findTicketForJob(db: Pick<DbOrTx, 'select'>, orgId: string, displayId: string): Promise<TicketForJob> {
  const parsed = parseDisplayId(displayId);
  if (!parsed) throw new SpedyError('invalid', `"${displayId}" is not a ticket id; write it like SPD-12.`);
  const [row] = await db
    .select({ id: ticket.id, projectId: ticket.projectId, number: ticket.number, title: ticket.title, type: ticket.type, key: project.key, description: ticketDescription.body })
    .from(ticket)
    .innerJoin(project, eq(project.id, ticket.projectId))
    .leftJoin(ticketDescription, eq(ticketDescription.ticketId, ticket.id))
    .where(and(eq(ticket.organizationId, orgId), eq(project.key, parsed.key), eq(ticket.number, parsed.number)));
  if (!row) throw new SpedyError('notFound', `Ticket ${parsed.key}-${parsed.number} not found.`);
  return {
    id: row.id,
    projectId: row.projectId,
    displayId: formatDisplayId(row.key, row.number),
    title: row.title,
    description: row.description ?? '',
    type: row.type,
  };
}

export function manualJobSnapshot(input: ManualJobInput, ticketForJob: TicketForJob | null): JobSnapshot {
  const { projectId: _projectId, ...ticketSnapshot } = ticketForJob ?? { projectId: null };
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
    budget: { maxCostUsd: input.maxCostUsd, maxTurns: null, warningThresholdPercent: 80, maxInputTokens: null, maxOutputTokens: null },
    repositories: [],
  });
}
