'use client';
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type Announcements, type DragEndEvent, type Modifier } from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useQuery } from '@rocicorp/zero/react';
import { Plus, RotateCcw } from 'lucide-react';
import { nanoid } from 'nanoid';
import { useEffect, useMemo, useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { cn } from '@/lib/cn';
import { pipelineConfig, type PipelineConfig, type StageConfig } from '@/lib/teams/pipeline';
import { presets, stageConfig, type PresetId } from '@/lib/teams/presets';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import type { RunnerTeam } from '@/zero/schema.gen';
import { PipelineStep } from './pipeline-step';
import { StageEditor } from './stage-editor';

// Steps move only up and down.
const verticalOnly: Modifier = ({ transform }) => ({ ...transform, x: 0 });

function newStage(): StageConfig {
  return stageConfig(`stage-${nanoid(8)}`, { type: 'custom', name: 'New stage', systemPrompt: '', allowedTools: ['Read', 'Grep', 'Glob'] });
}

/** Problems per stage id and field, from the same schema the server checks. */
function problemsOf(pipeline: PipelineConfig): { byStage: Map<string, Partial<Record<string, string>>>; count: number; general: string | null } {
  const byStage = new Map<string, Partial<Record<string, string>>>();
  const parsed = pipelineConfig.safeParse(pipeline);
  if (parsed.success) return { byStage, count: 0, general: null };
  let general: string | null = null;
  for (const issue of parsed.error.issues) {
    const [, stepIndex, , stageIndex, field] = issue.path;
    const stage = typeof stepIndex === 'number' && typeof stageIndex === 'number' ? pipeline.steps[stepIndex]?.stages[stageIndex] : undefined;
    if (!stage || field === undefined) {
      general ??= issue.message;
      continue;
    }
    const fields = byStage.get(stage.id) ?? {};
    fields[String(field)] ??= issue.message;
    byStage.set(stage.id, fields);
  }
  return { byStage, count: parsed.error.issues.length, general };
}

/** Steps in order (drag to reorder), the stages of each step side by side, and the selected stage's settings. */
export function PipelineEditor({ team }: { team: RunnerTeam }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [skills] = useQuery(queries.teams.skills({ orgID: org.id }));
  const [mcpServers] = useQuery(queries.teams.mcpServers({ orgID: org.id }));
  const [projects] = useQuery(queries.projects({ orgID: org.id }));
  const projectKeys = useMemo(() => new Map(projects.map((p) => [p.id, p.key])), [projects]);

  // null: showing the saved pipeline (and following live changes); else the unsaved edit.
  const [draft, setDraft] = useState<PipelineConfig | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Remounts the stage editor when the draft is replaced wholesale (discard, reset).
  const [generation, setGeneration] = useState(0);

  const pipeline = draft ?? team.pipeline;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(team.pipeline);
  const problems = useMemo(() => problemsOf(pipeline), [pipeline]);
  const stages = pipeline.steps.flatMap((s) => s.stages);
  const selectedStage = stages.find((s) => s.id === selected) ?? stages[0];

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));

  function edit(change: (p: PipelineConfig) => PipelineConfig) {
    setError(null);
    setDraft((d) => change(d ?? team.pipeline));
  }
  const mapStage = (id: string, change: (s: StageConfig) => StageConfig) =>
    edit((p) => ({ ...p, steps: p.steps.map((step) => ({ ...step, stages: step.stages.map((s) => (s.id === id ? change(s) : s)) })) }));

  function removeStage(id: string) {
    edit((p) => ({ ...p, steps: p.steps.map((step) => ({ ...step, stages: step.stages.filter((s) => s.id !== id) })).filter((step) => step.stages.length > 0) }));
  }

  function addStep() {
    const stage = newStage();
    edit((p) => ({ ...p, steps: [...p.steps, { id: `step-${nanoid(8)}`, stages: [stage] }] }));
    setSelected(stage.id);
  }

  function addParallelStage(stepId: string) {
    const stage = newStage();
    edit((p) => ({ ...p, steps: p.steps.map((step) => (step.id === stepId ? { ...step, stages: [...step.stages, stage] } : step)) }));
    setSelected(stage.id);
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    edit((p) => {
      const from = p.steps.findIndex((s) => s.id === active.id);
      const to = p.steps.findIndex((s) => s.id === over.id);
      return from < 0 || to < 0 ? p : { ...p, steps: arrayMove(p.steps, from, to) };
    });
  }

  const stepLabel = (id: string | number) => {
    const index = pipeline.steps.findIndex((s) => s.id === id);
    return `step ${index + 1} (${pipeline.steps[index]?.stages.map((s) => s.name).join(' and ')})`;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${stepLabel(active.id)}.`,
    onDragOver: ({ active, over }) => (over ? `${stepLabel(active.id)} is over ${stepLabel(over.id)}.` : `${stepLabel(active.id)} is no longer over a step.`),
    onDragEnd: ({ active, over }) => (over ? `Moved ${stepLabel(active.id)} to the place of ${stepLabel(over.id)}.` : `Dropped ${stepLabel(active.id)}.`),
    onDragCancel: ({ active }) => `Cancelled moving ${stepLabel(active.id)}.`,
  };

  async function save() {
    if (!draft) return;
    if (problems.count) return setError(`Fix the ${problems.count === 1 ? 'problem' : `${problems.count} problems`} marked in the stages before saving.`);
    setSaving(true);
    const failure = await mutate(mutators.team.setPipeline({ id: team.id, pipeline: draft }));
    setSaving(false);
    if (failure) return setError(failure);
    setDraft(null);
  }

  function discard() {
    setDraft(null);
    setError(null);
    setGeneration((g) => g + 1);
  }

  async function resetToPreset() {
    const failure = await mutate(mutators.team.resetPipeline({ id: team.id }));
    if (failure) return setError(failure);
    discard();
    setSelected(null);
  }

  const presetName = presets[team.preset as PresetId]?.label ?? 'its preset';

  return (
    <section className="grid gap-4" aria-labelledby="pipeline-title" data-testid="pipeline-editor">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="pipeline-title" className="text-lg font-semibold">
            Pipeline
          </h2>
          <p className="max-w-prose text-sm text-muted-foreground">
            Steps run top to bottom; the stages of one step run in parallel. Drag a step by its handle (or focus the handle and use Space and the arrow keys) to reorder.
          </p>
        </div>
        <ConfirmDialog
          trigger={
            <Button variant="outline" size="sm">
              <RotateCcw aria-hidden /> Reset to preset
            </Button>
          }
          title={`Reset the pipeline to ${presetName}?`}
          description="Every step and stage is replaced by the preset's, including unsaved edits. Jobs already created keep the pipeline they started with."
          confirmLabel="Reset pipeline"
          onConfirm={resetToPreset}
        />
      </div>

      <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,30rem)]">
        <div className="grid gap-3">
          <DndContext sensors={sensors} collisionDetection={closestCenter} modifiers={[verticalOnly]} onDragEnd={onDragEnd} accessibility={{ announcements }}>
            <SortableContext items={pipeline.steps.map((s) => s.id)} strategy={verticalListSortingStrategy}>
              <ol className="grid gap-3" aria-label="Pipeline steps">
                {pipeline.steps.map((step, index) => (
                  <PipelineStep
                    key={step.id}
                    step={step}
                    index={index}
                    selectedStageId={selectedStage?.id ?? null}
                    invalidStages={new Set(problems.byStage.keys())}
                    canRemoveStep={pipeline.steps.length > 1}
                    onSelectStage={setSelected}
                    onToggleStage={(id, enabled) => mapStage(id, (s) => ({ ...s, enabled }))}
                    onRemoveStage={removeStage}
                    onAddParallelStage={() => addParallelStage(step.id)}
                    onRemoveStep={() => edit((p) => ({ ...p, steps: p.steps.filter((s) => s.id !== step.id) }))}
                  />
                ))}
              </ol>
            </SortableContext>
          </DndContext>
          <Button type="button" variant="outline" className="justify-self-start" onClick={addStep} disabled={pipeline.steps.length >= 12}>
            <Plus aria-hidden /> Add step
          </Button>
        </div>

        <div className="rounded-lg border bg-card p-4">
          {selectedStage ? (
            <>
              <h3 className="mb-4 text-sm font-semibold">Stage: {selectedStage.name || 'unnamed'}</h3>
              <StageEditor
                key={`${selectedStage.id}:${generation}`}
                stage={selectedStage}
                onChange={(s) => mapStage(s.id, () => s)}
                skills={skills}
                mcpServers={mcpServers}
                projectKeys={projectKeys}
                allowedHosts={team.allowedHosts ?? []}
                errors={problems.byStage.get(selectedStage.id) ?? {}}
              />
            </>
          ) : (
            <p className="text-sm text-muted-foreground">Select a stage to edit it.</p>
          )}
        </div>
      </div>

      <div
        className={cn('z-10 flex flex-wrap items-center gap-3 rounded-lg border bg-background/95 px-4 py-3 backdrop-blur', (dirty || error) && 'sticky bottom-2 shadow-md')}
        data-testid="pipeline-save-bar"
      >
        <span className="text-sm text-muted-foreground" aria-live="polite">
          {dirty ? 'Unsaved changes to the pipeline.' : 'The pipeline is saved.'}
        </span>
        <FormError className="basis-full sm:order-last" data-testid="pipeline-error">
          {error ?? (dirty ? problems.general : null)}
        </FormError>
        <div className="ml-auto flex gap-2">
          <Button type="button" variant="outline" onClick={discard} disabled={!dirty || saving}>
            Discard
          </Button>
          <Button type="button" onClick={save} disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save pipeline'}
          </Button>
        </div>
      </div>
    </section>
  );
}
