// What a review retrigger's stages are told about the review (snapshot.review): the pull
// request and its branch, what becomes of the work (a commit on that branch, or a new pull
// request when it is already merged or closed), the reviewer's summary and every inline
// comment with its file and line. The reviewer's words are quoted line by line, so they read
// as theirs and not as instructions of the system.
import type { ReviewFeedback } from '@spedy/protocol/wire';

/** The most of one comment (or the summary) a prompt carries; a longer one is cut with a note. */
const maxCommentLength = 4_000;

function quoted(text: string): string {
  const trimmed = text.trim();
  const clipped = trimmed.length <= maxCommentLength ? trimmed : `${trimmed.slice(0, maxCommentLength).trimEnd()} … (cut)`;
  return (clipped || '(empty)')
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

function where(comment: ReviewFeedback['comments'][number]): string {
  return comment.line === null ? `\`${comment.path}\` (the whole file)` : `\`${comment.path}\` line ${comment.line}`;
}

export function reviewFeedbackPrompt(review: ReviewFeedback): string {
  const { pullRequest } = review;
  const reviewer = review.reviewer.trim() || 'A reviewer';
  const parts: string[] = [];
  const about = `pull request #${pullRequest.number} (${pullRequest.url}), branch \`${pullRequest.branch}\` of ${pullRequest.repository}`;
  if (pullRequest.state === 'open') {
    parts.push(
      `${reviewer} requested changes on ${about}, which an earlier job of this ticket opened. ` +
        'The ticket above is the original request. Address the review: your changes go on top of that branch as a new commit of the same pull request.',
    );
  } else {
    parts.push(
      `${reviewer} asked for changes on ${about}, which is already ${pullRequest.state}. ` +
        'The ticket above is the original request. Your changes start afresh from the base branch, and Spedy opens a new pull request that follows it up.',
    );
  }
  parts.push(`### The reviewer's summary\n\n${review.summary.trim() ? quoted(review.summary) : '(no summary)'}`);
  if (review.comments.length > 0) {
    const comments = review.comments.map((comment, index) => `${index + 1}. ${where(comment)}:\n\n${quoted(comment.body)}`);
    parts.push(`### Inline comments (${review.comments.length})\n\n${comments.join('\n\n')}`);
  } else {
    parts.push('### Inline comments\n\nNone.');
  }
  return `## Review feedback to address\n\n${parts.join('\n\n')}`;
}
