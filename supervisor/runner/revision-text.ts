// The words of a review retrigger's delivery: the revision's commit message, the comment
// on the pull request it revised, and the note a follow-up's new pull request starts with.
// Like pull-request-text.ts, each part is masked before it is cut; the caller masks the whole again.
import type { ClaimedJob, PullRequestTarget, ReviewFeedback } from '@spedy/protocol/wire';
import type { StageState } from './job-run.ts';
import { pullRequestTitle } from './pull-request-text.ts';

type Mask = (text: string) => string;

/** The most inline comments the pull request comment lists (the rest are counted). */
const maxListedComments = 20;

function clipped(text: string, max: number, mask: Mask): string {
  const trimmed = mask(text).trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max).trimEnd()}…`;
}

const reviewerOf = (review: ReviewFeedback) => review.reviewer.trim() || 'the reviewer';

export function revisionCommitMessage(job: ClaimedJob, review: ReviewFeedback, mask: Mask): string {
  const summary = review.summary.trim() ? `\n\n${clipped(review.summary, 1_000, mask)}` : '';
  return `${pullRequestTitle(job, mask)}\n\nAddresses the review of #${review.pullRequest.number} by ${clipped(reviewerOf(review), 100, mask)}.${summary}\n\nSpedy job ${job.id}`;
}

/** What Spedy says on the pull request after pushing a revision to it. */
export function revisionComment(job: ClaimedJob, revision: { sha: string; review: ReviewFeedback; stages: StageState[] }, mask: Mask): string {
  const { review } = revision;
  const parts: string[] = [`Spedy pushed a revision to \`${review.pullRequest.branch}\`: ${revision.sha} (job ${job.id}).`];
  const summary = review.summary.trim() ? `\n\n${clipped(review.summary, 1_000, mask).split('\n').map((line) => `> ${line}`).join('\n')}` : '';
  parts.push(`It addresses the review of ${clipped(reviewerOf(review), 100, mask)}.${summary}`);
  if (review.comments.length > 0) {
    const listed = review.comments.slice(0, maxListedComments).map((comment) => {
      const where = comment.line === null ? `\`${clipped(comment.path, 300, mask)}\`` : `\`${clipped(comment.path, 300, mask)}\` line ${comment.line}`;
      return `- ${where}: ${clipped(comment.body, 200, mask).replace(/\n+/g, ' ')}`;
    });
    const more = review.comments.length > maxListedComments ? `\n- and ${review.comments.length - maxListedComments} more` : '';
    parts.push(`**Inline comments addressed**\n\n${listed.join('\n')}${more}`);
  }
  const stages = revision.stages
    .map((state) => ({ name: state.stage.name, summary: clipped(state.output ?? '', 600, mask).replace(/\n+/g, ' ') }))
    .filter((stage) => stage.summary);
  if (stages.length > 0) parts.push(`**What the runner did**\n\n${stages.map((stage) => `- **${stage.name}**: ${stage.summary}`).join('\n')}`);
  return parts.join('\n\n');
}

/** A follow-up's new pull request says first which one it follows up, and why it is a new one. */
export function withFollowUpNote(pullRequest: PullRequestTarget, body: string): string {
  return `Follows up #${pullRequest.number} (${pullRequest.url}), which was already ${pullRequest.state} when a review asked for changes.\n\n${body}`;
}
