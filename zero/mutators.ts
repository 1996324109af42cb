import { defineMutators } from '@rocicorp/zero';
import { commentMutators } from './mutators/comment.ts';
import { epicRunMutators } from './mutators/epic-run.ts';
import { labelMutators } from './mutators/label.ts';
import { organizationSettingsMutators } from './mutators/organization.ts';
import { jobViewerMutators } from './mutators/presence.ts';
import { projectMutators } from './mutators/project.ts';
import {
  gitIntegrationMutators,
  jobMutators,
  runnerMutators,
  runnerSettingsMutators,
  runnerTokenMutators,
  vaultEntryMutators,
} from './mutators/runner.ts';
import { teamMutators, skillMutators, buildSettingsMutators, mcpServerMutators } from './mutators/team.ts';
import { ticketMutators } from './mutators/ticket.ts';

/** Shared by the browser (optimistic) and the server (authoritative, see server-mutators.ts). */
export const mutators = defineMutators({
  project: projectMutators,
  ticket: ticketMutators,
  comment: commentMutators,
  label: labelMutators,
  team: teamMutators,
  skill: skillMutators,
  buildSettings: buildSettingsMutators,
  mcpServer: mcpServerMutators,
  runner: runnerMutators,
  runnerToken: runnerTokenMutators,
  runnerSettings: runnerSettingsMutators,
  vaultEntry: vaultEntryMutators,
  gitIntegration: gitIntegrationMutators,
  job: jobMutators,
  jobViewer: jobViewerMutators,
  organizationSettings: organizationSettingsMutators,
  epicRun: epicRunMutators,
});
