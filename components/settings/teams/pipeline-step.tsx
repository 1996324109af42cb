'use client';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { AlertCircle, GripVertical, Plus, ShieldCheck, Trash2 } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Switch } from '@/components/ui/switch';
import { cn } from '@/lib/cn';
import { models } from '@spedy/protocol/models';
import type { PipelineConfig, StageConfig } from '@/lib/teams/pipeline';
import { stageTypeLabels } from './stage-labels';

type Step = PipelineConfig['steps'][number];

type PipelineStepProps = {
  step: Step;
  index: number;
  selectedStageId: string | null;
  /** Stage id → it has problems that block saving. */
  invalidStages: ReadonlySet<string>;
  canRemoveStep: boolean;
  onSelectStage: (stageId: string) => void;
  onToggleStage: (stageId: string, enabled: boolean) => void;
  onRemoveStage: (stageId: string) => void;
  onAddParallelStage: () => void;
  onRemoveStep: () => void;
};

const modelLabel = (id: StageConfig['model']) => models.find((m) => m.id === id)?.label ?? id;

/** One step of the pipeline: a draggable card whose stages run side by side. */
export function PipelineStep({
  step,
  index,
  selectedStageId,
  invalidStages,
  canRemoveStep,
  onSelectStage,
  onToggleStage,
  onRemoveStage,
  onAddParallelStage,
  onRemoveStep,
}: PipelineStepProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: step.id });
  const label = `Step ${index + 1}`;
  const parallel = step.stages.length > 1;

  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={cn('rounded-lg border bg-card shadow-xs', isDragging && 'relative z-10 opacity-80 shadow-lg ring-2 ring-primary/40')}
      data-testid="pipeline-step"
      data-step-index={index}
      aria-label={`${label}: ${step.stages.map((s) => s.name).join(' and ')}`}
    >
      <div className="flex items-center gap-2 border-b px-2 py-1.5">
        <button
          ref={setActivatorNodeRef}
          type="button"
          className="cursor-grab rounded p-1 text-muted-foreground outline-none hover:bg-muted focus-visible:ring-[3px] focus-visible:ring-ring/50 active:cursor-grabbing"
          aria-label={`Reorder ${label.toLowerCase()}`}
          data-testid="step-handle"
          {...attributes}
          {...listeners}
        >
          <GripVertical className="size-4" aria-hidden />
        </button>
        <span className="text-sm font-medium">{label}</span>
        {parallel && (
          <Badge variant="secondary" className="font-normal">
            {step.stages.length} stages in parallel
          </Badge>
        )}
        <div className="ml-auto flex items-center gap-1">
          <Button type="button" variant="ghost" size="sm" onClick={onAddParallelStage} disabled={step.stages.length >= 6}>
            <Plus aria-hidden /> Parallel stage
          </Button>
          <Button type="button" variant="ghost" size="icon" aria-label={`Remove ${label.toLowerCase()}`} onClick={onRemoveStep} disabled={!canRemoveStep}>
            <Trash2 aria-hidden />
          </Button>
        </div>
      </div>
      <div className={cn('grid gap-2 p-2', parallel && 'sm:grid-cols-2', step.stages.length > 2 && 'xl:grid-cols-3')}>
        {step.stages.map((stage) => {
          const selected = stage.id === selectedStageId;
          const invalid = invalidStages.has(stage.id);
          return (
            <div
              key={stage.id}
              data-testid="stage-tile"
              data-stage={stage.name}
              data-enabled={stage.enabled}
              className={cn(
                'flex items-start gap-2 rounded-md border p-2 transition-colors',
                selected ? 'border-primary bg-primary/5' : 'hover:bg-muted/40',
                !stage.enabled && 'opacity-60',
                invalid && 'border-destructive',
              )}
            >
              <button
                type="button"
                className="grid min-w-0 flex-1 gap-1 rounded text-left outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                onClick={() => onSelectStage(stage.id)}
                aria-pressed={selected}
                aria-label={`Edit stage ${stage.name}`}
              >
                <span className="flex items-center gap-1.5 truncate text-sm font-medium">
                  {invalid && <AlertCircle className="size-3.5 shrink-0 text-destructive" aria-label="Has problems" />}
                  {stage.name}
                </span>
                <span className="flex flex-wrap items-center gap-1">
                  <Badge variant="outline" className="font-normal">
                    {stageTypeLabels[stage.type]}
                  </Badge>
                  <Badge variant="secondary" className="font-normal">
                    {modelLabel(stage.model)}
                  </Badge>
                  {stage.role === 'planner' && (
                    <Badge variant="secondary" className="font-normal">
                      read-only
                    </Badge>
                  )}
                  {stage.requireApproval && (
                    <Badge variant="warning" className="font-normal">
                      <ShieldCheck aria-hidden /> approval
                    </Badge>
                  )}
                  {!stage.enabled && <span className="text-xs text-muted-foreground">disabled</span>}
                </span>
              </button>
              <div className="flex shrink-0 items-center gap-1">
                <Switch checked={stage.enabled} onCheckedChange={(on) => onToggleStage(stage.id, on)} aria-label={`Enable ${stage.name}`} />
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-7"
                  aria-label={`Remove stage ${stage.name}`}
                  onClick={() => onRemoveStage(stage.id)}
                  disabled={!parallel && !canRemoveStep}
                >
                  <Trash2 aria-hidden />
                </Button>
              </div>
            </div>
          );
        })}
      </div>
    </li>
  );
}
