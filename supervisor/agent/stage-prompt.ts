// What a stage's agent is told (the `-p` prompt of a new session): which stage it is, the
// ticket, what triggered the job, what earlier stages produced, and where it works. The
// stage's own instructions go in --append-system-prompt (claude-command.ts).
import type { ClaimedJob, StageSnapshot } from '@spedy/protocol/wire';
import { askUserTool } from './mcp-config.ts';
import { reviewFeedbackPrompt } from './review-prompt.ts';

export interface StagePromptInput {
  job: ClaimedJob;
  stage: StageSnapshot;
  step: { index: number; count: number; parallelWith: string[] };
  /** The agent's working directory inside the container. */
  cwd: string;
  /** `revises`: the pull request whose branch the repository is checked out on (a review retrigger). */
  repositories: { path: string; fullName: string; baseBranch: string; revises?: { number: number; branch: string } }[];
  branch: string | null;
  earlierStages: { name: string; output: string }[];
  /** Set when a person approved the plan before this stage ran. */
  approval?: { note?: string };
  boardTools: boolean;
}

/** Sent to resume a session after Stop → Continue. */
export const continuePrompt = 'You were paused by a person and are now continued. Carry on with your task from where you stopped.';

/**
 * Continue after a Stop that cut a tool call short. The CLI, stopped in a container, leaves
 * the unfinished call out of the session it resumes, so the prompt names it.
 */
export function continuePromptAfter(unfinished: { name: string; input: unknown } | undefined): string {
  if (!unfinished) return continuePrompt;
  const input = JSON.stringify(unfinished.input) ?? '';
  const shown = input.length > 500 ? `${input.slice(0, 500)}…` : input;
  return `${continuePrompt}\n\nWhen you were paused you were running the tool ${unfinished.name} with ${shown}; it did not finish.`;
}

/**
 * A person read the plan and asks for changes (the plan-approval panel's Request changes):
 * the planner's session resumes with this. The change is quoted line by line, so it reads as
 * the person's words and not as instructions of the system.
 */
export function planRevisionPrompt(change: string): string {
  const quoted = change.trim().split('\n').map((line) => `> ${line}`).join('\n');
  return [
    'A person reviewed your plan and asks for changes before approving it:',
    '',
    quoted,
    '',
    'Write the whole plan again with these changes; it is shown to them for approval once more.',
  ].join('\n');
}

export function validationFailurePrompt(command: string, exitCode: number, output: string): string {
  return [
    `Spedy ran the validation command \`${command}\` after your changes and it failed (exit code ${exitCode}). Its output ended with:`,
    '',
    '```',
    output.trim() || '(no output)',
    '```',
    '',
    'Fix the cause; the validation commands run again when you finish.',
  ].join('\n');
}

export function stagePrompt(input: StagePromptInput): string {
  const { job, stage, step } = input;
  const { ticket, trigger } = job.snapshot;
  const parts: string[] = [];

  const where = step.count > 1 ? `, step ${step.index + 1} of ${step.count}` : '';
  parts.push(`You are the "${stage.name}" stage (${stage.type.replace('_', ' ')}${where}) of Spedy's pipeline for ${ticket ? `ticket ${ticket.displayId}` : `the job "${job.title}"`}.`);

  if (ticket) parts.push(`## Ticket ${ticket.displayId}: ${ticket.title}\n\n${ticket.description.trim() || '(no description)'}`);
  if (job.snapshot.instructions.trim()) parts.push(`## Instructions for this job\n\n${job.snapshot.instructions.trim()}`);
  if (job.snapshot.review) parts.push(reviewFeedbackPrompt(job.snapshot.review));
  else if (trigger.commentBody && (trigger.kind === 'mention' || trigger.kind === 'review')) {
    const what = trigger.kind === 'mention' ? 'You were mentioned in this comment on the ticket' : 'A reviewer left this comment';
    parts.push(`## ${what}\n\n${trigger.commentBody.trim()}`);
  }
  if (job.type === 'board_interaction') {
    parts.push(
      input.boardTools
        ? '## How to answer\n\nAnswer on the ticket with the board tools (mcp__spedy__add_comment for a comment). This job opens no pull request: changes to files are not delivered.'
        : '## How to answer\n\nThis job opens no pull request: your final message is the answer.',
    );
  }
  for (const earlier of input.earlierStages) parts.push(`## Output of the earlier stage "${earlier.name}"\n\n${earlier.output.trim() || '(no output)'}`);
  if (input.approval) {
    const note = input.approval.note?.trim();
    parts.push(`## Approval\n\nA person approved the plan above; carry it out.${note ? `\n\nTheir note: ${note}` : ''}`);
  }

  const workspace: string[] = [`Your working directory is ${input.cwd}.`];
  if (input.repositories.length > 0) {
    const onJobBranch = input.branch !== null && input.repositories.some((repo) => !repo.revises);
    workspace.push(
      onJobBranch ? `Repositories, checked out on the job's branch \`${input.branch}\`:` : 'Repositories:',
      ...input.repositories.map((repo) =>
        repo.revises
          ? `- ${repo.path}: ${repo.fullName} (on \`${repo.revises.branch}\`, the branch of pull request #${repo.revises.number})`
          : `- ${repo.path}: ${repo.fullName} (from \`${repo.baseBranch}\`)`,
      ),
    );
  }
  if (stage.role === 'planner') {
    workspace.push('The workspace is read-only in this stage: investigate and write your plan as your final message; do not try to edit files.');
  } else if (job.type !== 'board_interaction') {
    workspace.push('Edit files in place. Do not commit or push: Spedy commits, pushes and opens the pull request when the pipeline ends.');
  }
  if (step.parallelWith.length > 0) {
    workspace.push(`The stages ${step.parallelWith.map((name) => `"${name}"`).join(', ')} run at the same time in their own copies of the workspace; your changes are merged with theirs when this step ends, so stay within your part.`);
  }
  if (stage.role !== 'planner' && stage.validationCommands.length > 0) {
    workspace.push(`When you finish, Spedy runs these validation commands in ${input.cwd}: ${stage.validationCommands.map((c) => `\`${c}\``).join(', ')}. Make sure they pass.`);
  }
  if (input.boardTools) {
    workspace.push(`If you need a decision from a person, ask with ${askUserTool} and end your turn; the answer arrives as the next message.`);
  }
  parts.push(`## Where you work\n\n${workspace.join('\n')}`);
  return parts.join('\n\n');
}
