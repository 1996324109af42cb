// "Changes requested" on a linked pull request brings the runner back: a Streaming job that
// follows up the pull request's job (joining its root run) with the reviewer's feedback in its
// snapshot — when every guard holds. Each decision is recorded (review_retrigger), refusals
// with the guard that refused, and the ticket shows them. The pull request's row is locked
// first, so decisions on one pull request are made one at a time on every instance, and the
// hourly limit is counted in the database.
import { and, count, desc, eq, gt, inArray } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { activeJobStatuses } from '@spedy/protocol/job-status';
import { SpedyError } from '@spedy/protocol/errors';
import type { ReviewFeedback } from '@spedy/protocol/wire';
import * as t from '../db/schema.ts';
import { defaultRunnerSettings } from '../settings/runner-settings.ts';
import { formatDisplayId } from '../tickets/display-id.ts';
import { createJob } from '../jobs/create.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { snapshotFor, ticketContext } from '../jobs/triggers.ts';
import type { PullRequestRow } from './pull-requests.ts';

export const retriggerGuards = {
  disabled: 'Retrigger on review is off (Settings → Runners → Settings)',
  noTicket: 'the pull request is not linked to an active ticket',
  noTeam: "the ticket's project has no runner team",
  noBranch: "the runner did not report the pull request's branch",
  activeJob: 'the ticket already has an active job',
  lastJobNotCompleted: "the ticket's last job did not complete",
  reviewHasJob: 'a job for this review already exists',
  hourlyLimit: 'this pull request was retriggered less than an hour ago (at most once an hour)',
} as const;
export type RetriggerGuard = keyof typeof retriggerGuards;

export const retriggerWindowMs = 60 * 60_000;

export type StoredReview = { id: string; reviewer: string; summary: string; comments: ReviewFeedback['comments'] };
export type RetriggerDecision = { outcome: 'retriggered'; jobId: string; message: string } | { outcome: 'refused'; guard: RetriggerGuard; message: string };

const refusal = (guard: RetriggerGuard): RetriggerDecision => ({ outcome: 'refused', guard, message: `Not retriggered: ${retriggerGuards[guard]}.` });

/** Decides on a "changes requested" review of `pr` (locked by the caller) and records the decision. */
export async function retriggerForReview(tx: DbOrTx, pr: PullRequestRow, review: StoredReview, now = Date.now()): Promise<RetriggerDecision> {
  const decision = await decide(tx, pr, review, now);
  await tx.insert(t.reviewRetrigger).values({
    id: nanoid(),
    organizationId: pr.organizationId,
    pullRequestId: pr.id,
    reviewId: review.id,
    ticketId: pr.ticketId,
    outcome: decision.outcome,
    guard: decision.outcome === 'refused' ? decision.guard : null,
    message: decision.message,
    jobId: decision.outcome === 'retriggered' ? decision.jobId : null,
    createdAt: now,
  });
  return decision;
}

async function decide(tx: DbOrTx, pr: PullRequestRow, review: StoredReview, now: number): Promise<RetriggerDecision> {
  const [settings] = await tx.select().from(t.runnerSettings).where(eq(t.runnerSettings.organizationId, pr.organizationId));
  if (!(settings?.retriggerOnReview ?? defaultRunnerSettings.retriggerOnReview)) return refusal('disabled');
  const context = pr.ticketId ? await ticketContext(tx, pr.ticketId) : null;
  if (!context || context.ticket.organizationId !== pr.organizationId) return refusal('noTicket');
  const [active] = await tx
    .select({ id: t.job.id })
    .from(t.job)
    .where(and(eq(t.job.ticketId, context.ticket.id), inArray(t.job.status, [...activeJobStatuses])))
    .limit(1);
  if (active) return refusal('activeJob');
  const [last] = await tx.select({ status: t.job.status }).from(t.job).where(eq(t.job.ticketId, context.ticket.id)).orderBy(desc(t.job.createdAt)).limit(1);
  if (last && last.status !== 'completed') return refusal('lastJobNotCompleted');
  const retriggered = (...conditions: Parameters<typeof and>) =>
    tx.select({ n: count() }).from(t.reviewRetrigger).where(and(eq(t.reviewRetrigger.outcome, 'retriggered'), ...conditions));
  const [forReview] = await retriggered(eq(t.reviewRetrigger.reviewId, review.id));
  if (forReview.n > 0) return refusal('reviewHasJob');
  const [lastHour] = await retriggered(eq(t.reviewRetrigger.pullRequestId, pr.id), gt(t.reviewRetrigger.createdAt, now - retriggerWindowMs));
  if (lastHour.n > 0) return refusal('hourlyLimit');
  const team = await teamFor(tx, pr, context.ticket.projectId);
  if (!team) return refusal('noTeam');
  if (!pr.branch) return refusal('noBranch');

  const displayId = formatDisplayId(context.projectKey, context.ticket.number);
  const feedback: ReviewFeedback = {
    pullRequest: { repository: pr.repository, number: pr.number, url: pr.url, branch: pr.branch, state: pr.state },
    reviewer: review.reviewer,
    summary: review.summary,
    // The wire's shape: a stored comment's diff hunk stays with the knowledge entry, not in the job's snapshot.
    comments: review.comments.map(({ path, line, body }) => ({ path, line, body })),
  };
  try {
    const job = await createJob(tx, {
      organizationId: pr.organizationId,
      followUpOf: pr.jobId,
      type: 'streaming',
      title: `${displayId} ${context.ticket.title}`.slice(0, 300),
      snapshot: { ...(await snapshotFor(tx, team, context, { kind: 'review' })), review: feedback },
      requiredCapabilities: team.requiredCapabilities,
      requiredLabels: team.requiredLabels,
      projectId: context.ticket.projectId,
      ticketId: context.ticket.id,
      teamId: team.id,
    });
    return { outcome: 'retriggered', jobId: job.id, message: `Retriggered: ${review.reviewer} requested changes on ${pr.repository}#${pr.number}.` };
  } catch (error) {
    // A job started for the ticket meanwhile (the one-active-job index).
    if (error instanceof SpedyError && error.code === 'conflict') return refusal('activeJob');
    throw error;
  }
}

/** The team of the pull request's job, or the project's runner team. */
async function teamFor(tx: DbOrTx, pr: PullRequestRow, projectId: string) {
  const [fromJob] = pr.jobId
    ? await tx.select({ team: t.runnerTeam }).from(t.job).innerJoin(t.runnerTeam, eq(t.runnerTeam.id, t.job.teamId)).where(eq(t.job.id, pr.jobId))
    : [];
  if (fromJob) return fromJob.team;
  const [fromProject] = await tx
    .select({ team: t.runnerTeam })
    .from(t.projectRunnerConfig)
    .innerJoin(t.runnerTeam, eq(t.runnerTeam.id, t.projectRunnerConfig.teamId))
    .where(eq(t.projectRunnerConfig.projectId, projectId));
  return fromProject?.team ?? null;
}
