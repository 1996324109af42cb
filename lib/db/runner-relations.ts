import { relations } from 'drizzle-orm';
import { project, ticket } from './board-schema.ts';
import { job, jobEvent, jobUsage, runner, runnerToken } from './runner-schema.ts';

export const runnerRelations = relations(runner, ({ many, one }) => ({
  jobs: many(job),
  token: one(runnerToken, { fields: [runner.tokenId], references: [runnerToken.id] }),
}));

export const jobRelations = relations(job, ({ one, many }) => ({
  runner: one(runner, { fields: [job.runnerId], references: [runner.id] }),
  ticket: one(ticket, { fields: [job.ticketId], references: [ticket.id] }),
  project: one(project, { fields: [job.projectId], references: [project.id] }),
  events: many(jobEvent),
  usage: one(jobUsage, { fields: [job.id], references: [jobUsage.jobId] }),
}));

export const jobUsageRelations = relations(jobUsage, ({ one }) => ({
  job: one(job, { fields: [jobUsage.jobId], references: [job.id] }),
}));

export const jobEventRelations = relations(jobEvent, ({ one }) => ({
  job: one(job, { fields: [jobEvent.jobId], references: [job.id] }),
}));
