// The words Spedy delivers with: the commit message and the pull request's title and
// body, from the ticket and the stages. Each part is masked before it is cut to length (a
// secret cut in half would not be recognised); the caller masks the whole again.
import type { ClaimedJob } from '@spedy/protocol/wire';
import type { StageState } from './job-run.ts';

const maxDescription = 4_000;
const maxStageSummary = 1_200;

type Mask = (text: string) => string;

function clipped(text: string, max: number, mask: Mask): string {
  const trimmed = mask(text).trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max).trimEnd()}…`;
}

export function pullRequestTitle(job: ClaimedJob, mask: Mask): string {
  const ticket = job.snapshot.ticket;
  return clipped(ticket ? `${ticket.displayId}: ${ticket.title}` : job.title, 200, mask);
}

export function commitMessage(job: ClaimedJob, mask: Mask): string {
  const ticket = job.snapshot.ticket;
  const body = ticket?.description.trim() ? `\n\n${clipped(ticket.description, 2_000, mask)}` : '';
  return `${pullRequestTitle(job, mask)}${body}\n\nSpedy job ${job.id}`;
}

export function pullRequestBody(job: ClaimedJob, stages: StageState[], branch: string, mask: Mask): string {
  const ticket = job.snapshot.ticket;
  const parts: string[] = [];
  if (ticket) parts.push(`Resolves **${ticket.displayId}**: ${ticket.title}`, clipped(ticket.description, maxDescription, mask) || '_No description._');
  else parts.push(`Spedy job **${job.title}**`);
  if (job.snapshot.instructions.trim()) parts.push(`**Instructions**\n\n${clipped(job.snapshot.instructions, 2_000, mask)}`);
  const lines = stages.map((state) => {
    const { stage } = state;
    const checks = stage.role !== 'planner' && stage.validationCommands.length > 0 ? ` Validation passed: ${stage.validationCommands.map((c) => `\`${c}\``).join(', ')}.` : '';
    const summary = clipped(state.output ?? '', maxStageSummary, mask).replace(/\n+/g, ' ');
    return `- **${stage.name}** (${stage.type.replace('_', ' ')}, ${stage.model})${summary ? `: ${summary}` : ''}${checks}`;
  });
  if (lines.length > 0) parts.push(`### What the runner did\n\n${lines.join('\n')}`);
  parts.push(`---\nOpened by Spedy from branch \`${branch}\` (job ${job.id}).`);
  return parts.join('\n\n');
}
