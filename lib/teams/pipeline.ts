// A runner team's pipeline as configured (stages refer to skills and MCP servers by id);
// the job snapshot (protocol/src/wire.ts) is what it resolves to when a job is created.
import { z } from 'zod';
import { modelIds } from '@spedy/protocol/models';
import { defaultTimeLimits, stageTypes } from '@spedy/protocol/wire';
import { validationCommandProblem } from '@spedy/protocol/validation-commands';

export const stageConfig = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(stageTypes),
  name: z.string().trim().min(1, 'Name the stage.').max(60),
  systemPrompt: z.string().max(20_000),
  allowedTools: z.array(z.string().min(1).max(100)).max(50),
  model: z.enum(modelIds),
  role: z.enum(['planner', 'executor']),
  requireApproval: z.boolean(),
  validationCommands: z
    .array(z.string())
    .max(20)
    .superRefine((commands, ctx) => {
      for (const c of commands) {
        const problem = validationCommandProblem(c);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
  maxRetries: z.number().int().min(0, 'Retries are 0–10.').max(10, 'Retries are 0–10.'),
  skillIds: z.array(z.string()).max(20),
  mcpServerIds: z.array(z.string()).max(20),
  enabled: z.boolean(),
});
export type StageConfig = z.infer<typeof stageConfig>;

/** Ordered steps; the stages of a step run in parallel. */
export const pipelineConfig = z.object({
  steps: z.array(z.object({ id: z.string(), stages: z.array(stageConfig).min(1).max(6) })).min(1).max(12),
});
export type PipelineConfig = z.infer<typeof pipelineConfig>;

export const budgetConfig = z
  .object({
  maxCostUsd: z.number().positive().max(10_000).nullable(),
  /**
   * The most a job of the team may cost when its budget is overridden (created by hand, Ready,
   * or paused at its cap; lib/jobs/budget.ts); only administrators set it. Unset: no ceiling.
   */
  maxCostCeilingUsd: z.number().positive().max(10_000).nullable().optional(),
  maxTurns: z.number().int().positive().max(10_000).nullable(),
  warningThresholdPercent: z.number().int().min(1).max(100),
  maxInputTokens: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  /** Limits outside the agent, in seconds of work (time waiting for a person or stopped does not count). */
  stageTimeLimitSeconds: z.number().int().positive().max(7 * 86_400).default(defaultTimeLimits.stageTimeLimitSeconds),
  jobTimeLimitSeconds: z.number().int().positive().max(7 * 86_400).default(defaultTimeLimits.jobTimeLimitSeconds),
  idleLimitSeconds: z.number().int().positive().max(86_400).default(defaultTimeLimits.idleLimitSeconds),
})
  .refine((budget) => budget.maxCostCeilingUsd == null || (budget.maxCostUsd !== null && budget.maxCostUsd <= budget.maxCostCeilingUsd), {
    message: 'Max cost must be set and at most the cost ceiling.',
    path: ['maxCostUsd'],
  });
export type BudgetConfig = z.infer<typeof budgetConfig>;

export const defaultBudget: BudgetConfig = {
  maxCostUsd: 10,
  maxTurns: 200,
  warningThresholdPercent: 80,
  maxInputTokens: null,
  maxOutputTokens: null,
  ...defaultTimeLimits,
};
