import type { PipelineConfig, StageConfig } from './pipeline.ts';

export const presetIds = ['code_runner', 'board_agent', 'review_team', 'full_stack'] as const;
export type PresetId = (typeof presetIds)[number];

const readOnlyTools = ['Read', 'Grep', 'Glob'];
const writeTools = ['Read', 'Edit', 'Write', 'Bash', 'Grep', 'Glob'];

/** A stage with the usual defaults (write tools, Sonnet, two retries, enabled). */
export function stageConfig(id: string, partial: Partial<StageConfig> & Pick<StageConfig, 'type' | 'name' | 'systemPrompt'>): StageConfig {
  return {
    id,
    allowedTools: writeTools,
    model: 'claude-sonnet-4-6',
    role: 'executor',
    requireApproval: false,
    validationCommands: [],
    maxRetries: 2,
    skillIds: [],
    mcpServerIds: [],
    enabled: true,
    ...partial,
  };
}

const single = (s: StageConfig) => ({ id: `step-${s.id}`, stages: [s] });

export const presets: Record<PresetId, { label: string; description: string; createsPullRequests: boolean; pipeline: () => PipelineConfig }> = {
  code_runner: {
    label: 'Code Runner',
    description: 'Planning, coding and review; opens a pull request when there are code changes.',
    createsPullRequests: true,
    pipeline: () => ({
      steps: [
        single(
          stageConfig('planner', {
            type: 'planning',
            name: 'Planner',
            model: 'claude-opus-4-7',
            role: 'planner',
            allowedTools: readOnlyTools,
            systemPrompt: 'Analyse the ticket and the code base. Write a concise, numbered implementation plan. Do not change files.',
          }),
        ),
        single(
          stageConfig('implement', {
            type: 'coding',
            name: 'Implement',
            systemPrompt: 'Implement the plan. Keep changes focused, follow the code base conventions, and add or update tests.',
          }),
        ),
        single(
          stageConfig('review', {
            type: 'review',
            name: 'Review',
            systemPrompt: 'Review the implementation for correctness, security and quality. Fix the issues you find directly.',
          }),
        ),
      ],
    }),
  },
  board_agent: {
    label: 'Board Agent',
    description: 'One custom stage with read-only tools, for research and answering on the board.',
    createsPullRequests: false,
    pipeline: () => ({
      steps: [
        single(
          stageConfig('agent', {
            type: 'custom',
            name: 'Board Agent',
            role: 'planner',
            allowedTools: readOnlyTools,
            maxRetries: 0,
            systemPrompt: 'Answer the request on the ticket. Use the board tools to read context and reply with a comment.',
          }),
        ),
      ],
    }),
  },
  review_team: {
    label: 'Review Team',
    description: 'Security and Quality reviewers in parallel, then a Review Lead that synthesizes and verifies.',
    createsPullRequests: true,
    pipeline: () => ({
      steps: [
        {
          id: 'step-reviewers',
          stages: [
            stageConfig('security', {
              type: 'security_review',
              name: 'Security Reviewer',
              role: 'planner',
              allowedTools: readOnlyTools,
              systemPrompt: 'Review the change for security problems: injection, secrets, authorisation, unsafe input.',
            }),
            stageConfig('quality', {
              type: 'review',
              name: 'Quality Reviewer',
              role: 'planner',
              allowedTools: readOnlyTools,
              systemPrompt: 'Review the change for correctness, readability, tests and maintainability.',
            }),
          ],
        },
        single(
          stageConfig('lead', {
            type: 'review',
            name: 'Review Lead',
            systemPrompt: 'Synthesize the reviewers’ findings, verify each one against the code, and fix the confirmed issues.',
          }),
        ),
      ],
    }),
  },
  full_stack: {
    label: 'Full-Stack Team',
    description: 'Backend and frontend agents in parallel, then an Integration Validator.',
    createsPullRequests: true,
    pipeline: () => ({
      steps: [
        {
          id: 'step-build',
          stages: [
            stageConfig('backend', { type: 'coding', name: 'Backend', systemPrompt: 'Implement the backend part of the ticket.' }),
            stageConfig('frontend', { type: 'coding', name: 'Frontend', systemPrompt: 'Implement the frontend part of the ticket.' }),
          ],
        },
        single(
          stageConfig('integration', {
            type: 'review',
            name: 'Integration Validator',
            systemPrompt: 'Check that backend and frontend changes work together; fix integration gaps and run the tests.',
          }),
        ),
      ],
    }),
  },
};
