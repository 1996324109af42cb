import { relations } from 'drizzle-orm';
import { invitation, member, organization, user } from './auth-schema.ts';
import {
  comment,
  handle,
  label,
  project,
  projectStatus,
  ticket,
  ticketBlock,
  ticketDescription,
  ticketLabel,
} from './board-schema.ts';
import { job } from './runner-schema.ts';

export const userRelations = relations(user, ({ many }) => ({
  memberships: many(member),
}));

export const organizationRelations = relations(organization, ({ many }) => ({
  members: many(member),
  projects: many(project),
  invitations: many(invitation),
}));

export const memberRelations = relations(member, ({ one }) => ({
  organization: one(organization, { fields: [member.organizationId], references: [organization.id] }),
  user: one(user, { fields: [member.userId], references: [user.id] }),
}));

export const invitationRelations = relations(invitation, ({ one }) => ({
  organization: one(organization, { fields: [invitation.organizationId], references: [organization.id] }),
  inviter: one(user, { fields: [invitation.inviterId], references: [user.id] }),
}));

export const handleRelations = relations(handle, ({ one }) => ({
  user: one(user, { fields: [handle.userId], references: [user.id] }),
}));

export const projectRelations = relations(project, ({ many, one }) => ({
  organization: one(organization, { fields: [project.organizationId], references: [organization.id] }),
  statuses: many(projectStatus),
  tickets: many(ticket),
}));

export const projectStatusRelations = relations(projectStatus, ({ one, many }) => ({
  project: one(project, { fields: [projectStatus.projectId], references: [project.id] }),
  tickets: many(ticket),
}));

export const ticketRelations = relations(ticket, ({ one, many }) => ({
  project: one(project, { fields: [ticket.projectId], references: [project.id] }),
  status: one(projectStatus, { fields: [ticket.statusId], references: [projectStatus.id] }),
  assignee: one(user, { fields: [ticket.assigneeId], references: [user.id], relationName: 'assignee' }),
  creator: one(user, { fields: [ticket.creatorId], references: [user.id], relationName: 'creator' }),
  parent: one(ticket, { fields: [ticket.parentId], references: [ticket.id], relationName: 'parent' }),
  children: many(ticket, { relationName: 'parent' }),
  description: one(ticketDescription, { fields: [ticket.id], references: [ticketDescription.ticketId] }),
  labels: many(ticketLabel),
  comments: many(comment),
  blocks: many(ticketBlock, { relationName: 'blocker' }),
  blockedBy: many(ticketBlock, { relationName: 'blocked' }),
  jobs: many(job),
}));

export const ticketBlockRelations = relations(ticketBlock, ({ one }) => ({
  blocker: one(ticket, { fields: [ticketBlock.blockerId], references: [ticket.id], relationName: 'blocker' }),
  blocked: one(ticket, { fields: [ticketBlock.blockedId], references: [ticket.id], relationName: 'blocked' }),
}));

export const ticketLabelRelations = relations(ticketLabel, ({ one }) => ({
  ticket: one(ticket, { fields: [ticketLabel.ticketId], references: [ticket.id] }),
  label: one(label, { fields: [ticketLabel.labelId], references: [label.id] }),
}));

export const commentRelations = relations(comment, ({ one }) => ({
  ticket: one(ticket, { fields: [comment.ticketId], references: [ticket.id] }),
  author: one(user, { fields: [comment.authorId], references: [user.id] }),
}));
