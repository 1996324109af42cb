import { drizzleZeroConfig } from 'drizzle-zero';
import * as schema from './lib/db/schema.ts';

// Sessions, accounts (password hashes) and verifications are never replicated.
export default drizzleZeroConfig(schema, {
  tables: {
    session: false,
    account: false,
    verification: false,
    user: { id: true, name: true, email: true, image: true },
    organization: { id: true, name: true, slug: true, logo: true },
    member: true,
    invitation: true,
    handle: true,
    project: true,
    projectStatus: true,
    ticket: true,
    ticketDescription: true,
    ticketBlock: true,
    label: true,
    ticketLabel: true,
    comment: true,
    runnerSettings: true,
    runner: true,
    runnerToken: true,
    runnerTokenHash: false,
    authFailure: false,
    vaultEntry: true,
    vaultValue: false,
    gitIntegration: true,
    gitIntegrationSecret: false,
    job: true,
    // Platform-internal, in schema `secure` (never replicated): read on claim and by the job page's route.
    jobSnapshotTable: false,
    jobEvent: true,
    jobUsage: true,
    runnerTeam: true,
    skill: true,
    mcpServer: true,
    mcpServerSecret: false,
    projectRepository: true,
    projectRunnerConfig: true,
  },
});
