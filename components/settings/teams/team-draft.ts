// The team form's state (strings, as typed) and its conversion to the mutator's fields,
// checked with the mutator's own schema so the inline message is the server's.
import { defaultBudget, type BudgetConfig } from '@/lib/teams/pipeline';
import { defaultTimeLimits } from '@spedy/protocol/wire';
import { teamFieldsInput } from '@/zero/mutators/team';
import type { Handle, RunnerTeam } from '@/zero/schema.gen';

/** Time limits are typed in minutes and stored in seconds. */
export type BudgetDraft = Record<keyof BudgetConfig, string>;
type TimeLimitKey = keyof typeof defaultTimeLimits;
const timeLimitKeys = Object.keys(defaultTimeLimits) as TimeLimitKey[];
const isTimeLimit = (key: keyof BudgetConfig): key is TimeLimitKey => (timeLimitKeys as string[]).includes(key);
/** Minutes, as typed; a team saved before the limits existed shows the defaults. */
const minutesOf = (budget: BudgetConfig, key: TimeLimitKey) => ((budget[key] ?? defaultTimeLimits[key]) / 60).toString();

export type TeamDraft = {
  name: string;
  description: string;
  handle: string;
  workingStatus: string;
  completionStatus: string;
  failureStatus: string;
  requiredCapabilities: string[];
  requiredLabels: string[];
  budget: BudgetDraft;
};

export type TeamFields = ReturnType<typeof teamFieldsInput.parse>;
/** Field → message; budget fields as `budget.maxTurns`. */
export type TeamDraftErrors = Partial<Record<string, string>>;

export const defaultStatusNames = { workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo' } as const;

const budgetDraftOf = (budget: BudgetConfig): BudgetDraft => ({
  maxCostUsd: budget.maxCostUsd?.toString() ?? '',
  maxCostCeilingUsd: budget.maxCostCeilingUsd?.toString() ?? '',
  maxTurns: budget.maxTurns?.toString() ?? '',
  warningThresholdPercent: budget.warningThresholdPercent.toString(),
  maxInputTokens: budget.maxInputTokens?.toString() ?? '',
  maxOutputTokens: budget.maxOutputTokens?.toString() ?? '',
  stageTimeLimitSeconds: minutesOf(budget, 'stageTimeLimitSeconds'),
  jobTimeLimitSeconds: minutesOf(budget, 'jobTimeLimitSeconds'),
  idleLimitSeconds: minutesOf(budget, 'idleLimitSeconds'),
});

export function newTeamDraft(): TeamDraft {
  return {
    name: '',
    description: '',
    handle: '',
    ...defaultStatusNames,
    requiredCapabilities: ['claude_code'],
    requiredLabels: [],
    budget: budgetDraftOf(defaultBudget),
  };
}

export function draftOf(team: RunnerTeam): TeamDraft {
  return {
    name: team.name,
    description: team.description,
    handle: team.handle,
    workingStatus: team.workingStatus,
    completionStatus: team.completionStatus,
    failureStatus: team.failureStatus,
    requiredCapabilities: [...team.requiredCapabilities],
    requiredLabels: [...team.requiredLabels],
    budget: budgetDraftOf(team.budget),
  };
}

/** "Support Bot" → "support-bot": a handle suggestion while the handle field is untouched. */
export function suggestHandle(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 39);
}

const budgetLabels: Record<keyof BudgetConfig, string> = {
  maxCostUsd: 'Max cost',
  maxCostCeilingUsd: 'The cost ceiling',
  maxTurns: 'Max turns',
  warningThresholdPercent: 'The warning threshold',
  maxInputTokens: 'The input token limit',
  maxOutputTokens: 'The output token limit',
  stageTimeLimitSeconds: 'The stage time limit',
  jobTimeLimitSeconds: 'The job time limit',
  idleLimitSeconds: 'The idle limit',
};
const maxMinutes: Record<TimeLimitKey, number> = { stageTimeLimitSeconds: 7 * 1440, jobTimeLimitSeconds: 7 * 1440, idleLimitSeconds: 1440 };

/** Empty means "no limit" (except the warning threshold, which is required). */
function parseBudget(draft: BudgetDraft, errors: TeamDraftErrors): BudgetConfig | null {
  const out: Partial<Record<keyof BudgetConfig, number | null>> = {};
  for (const key of Object.keys(budgetLabels) as (keyof BudgetConfig)[]) {
    const raw = draft[key].trim();
    if (isTimeLimit(key)) {
      const minutes = Number(raw);
      if (raw === '' || !Number.isFinite(minutes) || minutes <= 0) errors[`budget.${key}`] = `${budgetLabels[key]} is a positive number of minutes.`;
      else if (minutes > maxMinutes[key]) errors[`budget.${key}`] = `${budgetLabels[key]} is at most ${maxMinutes[key].toLocaleString('en-US')} minutes.`;
      out[key] = Math.max(1, Math.round(minutes * 60));
      continue;
    }
    if (raw === '') {
      if (key === 'warningThresholdPercent') errors[`budget.${key}`] = 'Enter a percentage between 1 and 100.';
      out[key] = null;
      continue;
    }
    const value = Number(raw);
    const whole = key !== 'maxCostUsd' && key !== 'maxCostCeilingUsd';
    if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
      errors[`budget.${key}`] = `${budgetLabels[key]} must be a positive ${whole ? 'whole number' : 'number'}, or empty for no limit.`;
    } else if (key === 'warningThresholdPercent' && value > 100) {
      errors[`budget.${key}`] = 'Enter a percentage between 1 and 100.';
    } else if ((key === 'maxCostUsd' || key === 'maxCostCeilingUsd') && value > 10_000) {
      errors[`budget.${key}`] = `${budgetLabels[key]} is at most 10,000 USD per job.`;
    } else if (key === 'maxTurns' && value > 10_000) {
      errors[`budget.${key}`] = 'Max turns is at most 10,000.';
    }
    out[key] = value;
  }
  const ceiling = out.maxCostCeilingUsd;
  if (ceiling != null && !errors['budget.maxCostUsd'] && (out.maxCostUsd == null || out.maxCostUsd > ceiling)) {
    errors['budget.maxCostUsd'] = `Max cost must be set and at most the cost ceiling ($${ceiling}).`;
  }
  return Object.keys(errors).some((k) => k.startsWith('budget.')) ? null : (out as BudgetConfig);
}

/** The handle row that keeps `handle` from this team, if any (members' and other teams' handles share one namespace). */
export function handleConflict(handle: string, handles: readonly Handle[], teamID: string | null): string | null {
  const taken = handles.find((h) => h.handle === handle.trim().toLowerCase());
  if (!taken || (teamID && taken.teamId === teamID)) return null;
  return `@${taken.handle} is already taken by ${taken.teamId ? 'another team' : 'a member'}.`;
}

export function parseTeamDraft(draft: TeamDraft, handles: readonly Handle[], teamID: string | null): { fields: TeamFields | null; errors: TeamDraftErrors } {
  const errors: TeamDraftErrors = {};
  const budget = parseBudget(draft.budget, errors);
  const parsed = teamFieldsInput.safeParse({ ...draft, budget: budget ?? undefined });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      if (key.startsWith('budget') && budget === null) continue;
      // Tags are reported per list, not per index.
      const field = key.replace(/\.\d+$/, '');
      errors[field] ??= issue.message;
    }
  }
  const conflict = handleConflict(draft.handle, handles, teamID);
  if (conflict) errors.handle ??= conflict;
  return { fields: parsed.success && !Object.keys(errors).length ? parsed.data : null, errors };
}
