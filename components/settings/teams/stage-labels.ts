import type { StageConfig } from '@/lib/teams/pipeline';

export const stageTypeLabels: Record<StageConfig['type'], string> = {
  planning: 'Planning',
  coding: 'Coding',
  review: 'Review',
  security_review: 'Security Review',
  custom: 'Custom',
};

export const roleLabels: Record<StageConfig['role'], string> = {
  planner: 'Planner (read-only)',
  executor: 'Executor (read/write)',
};

/** Zero prefixes argument errors with the mutator's name; a person needs only the reason. */
