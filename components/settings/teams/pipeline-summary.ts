import type { PipelineConfig } from '@/lib/teams/pipeline';

/** "Planner → Implement → Review"; parallel stages joined with "+". Disabled stages are left out. */
export function stepSummary(pipeline: PipelineConfig): string {
  return pipeline.steps
    .map((step) => step.stages.filter((s) => s.enabled).map((s) => s.name).join(' + '))
    .filter(Boolean)
    .join(' → ');
}

export function stageCounts(pipeline: PipelineConfig): { total: number; enabled: number } {
  const stages = pipeline.steps.flatMap((s) => s.stages);
  return { total: stages.length, enabled: stages.filter((s) => s.enabled).length };
}
