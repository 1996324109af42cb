// The demo organization's runner setup: a Code Runner team for the demo project, a
// repository on the test kit's git remote, a GitHub integration pointing at the test
// kit's provider API, and a fresh runner token. Idempotent; URLs are refreshed every
// start because the test kit's ports are picked anew.
import { and, eq, like } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { connectDb } from '../db/client.ts';
import * as t from '../db/schema.ts';
import { issueRunnerToken } from '../runners/tokens.ts';
import { storeIntegrationToken } from '../secrets/entries.ts';
import type { Keyring } from '../secrets/vault.ts';
import { maskedPreview } from '../secrets/vault.ts';
import { defaultBudget } from '../teams/pipeline.ts';
import { presets } from '../teams/presets.ts';
import { demoAccount } from './seed.ts';

export const demoRepository = { fullName: 'demo/spedy-demo', name: 'spedy-demo', defaultBranch: 'main' } as const;
export const demoTeamHandle = 'demo-coders';

export type RunnerSetupTarget = { orgSlug: string; projectKey: string };
export const demoRunnerTarget: RunnerSetupTarget = { orgSlug: demoAccount.orgSlug, projectKey: 'SPD' };

export async function seedDemoRunner(
  databaseUrl: string,
  keyring: Keyring,
  /** The platform's runner-token hash key (deriveRunnerTokenHashKey of its auth secret). */
  runnerTokenHashKey: string,
  urls: { githubApiUrl: string; cloneUrl: string; gitToken: string },
  target: RunnerSetupTarget = demoRunnerTarget,
): Promise<{ runnerToken: string } | null> {
  const { db, close } = connectDb(databaseUrl);
  try {
    const [org] = await db.select().from(t.organization).where(eq(t.organization.slug, target.orgSlug));
    const [project] = org ? await db.select().from(t.project).where(and(eq(t.project.organizationId, org.id), eq(t.project.key, target.projectKey))) : [];
    if (!org || !project) return null;
    return await db.transaction(async (tx) => {
      const now = Date.now();
      let [team] = await tx.select().from(t.runnerTeam).where(and(eq(t.runnerTeam.organizationId, org.id), eq(t.runnerTeam.handle, demoTeamHandle)));
      if (!team) {
        const pipeline = presets.code_runner.pipeline();
        // The demo repository's own check: what the agent changes must still pass it.
        pipeline.steps[1].stages[0].validationCommands = ['node --version'];
        [team] = await tx
          .insert(t.runnerTeam)
          .values({
            id: nanoid(),
            organizationId: org.id,
            name: 'Demo Coders',
            description: 'Demo runner team: answers come from the scripted model in test-kit/, not from Claude.',
            preset: 'code_runner',
            workingStatus: 'AI Processing',
            completionStatus: 'In Review',
            failureStatus: 'Todo',
            handle: demoTeamHandle,
            requiredCapabilities: ['claude_code'],
            requiredLabels: ['demo'],
            budget: defaultBudget,
            pipeline,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await tx.insert(t.handle).values({ id: team.id, organizationId: org.id, handle: demoTeamHandle, teamId: team.id }).onConflictDoNothing();
      }
      await tx
        .insert(t.projectRunnerConfig)
        .values({ projectId: project.id, organizationId: org.id, teamId: team.id, triggerOnStatus: 'auto' })
        .onConflictDoNothing();

      const [repo] = await tx.select().from(t.projectRepository).where(eq(t.projectRepository.projectId, project.id));
      if (repo) await tx.update(t.projectRepository).set({ cloneUrl: urls.cloneUrl }).where(eq(t.projectRepository.id, repo.id));
      else {
        await tx.insert(t.projectRepository).values({
          id: nanoid(),
          organizationId: org.id,
          projectId: project.id,
          provider: 'github',
          fullName: demoRepository.fullName,
          name: demoRepository.name,
          cloneUrl: urls.cloneUrl,
          defaultBranch: demoRepository.defaultBranch,
          baseBranch: demoRepository.defaultBranch,
          createdAt: now,
        });
      }

      const [integration] = await tx.select().from(t.gitIntegration).where(and(eq(t.gitIntegration.organizationId, org.id), eq(t.gitIntegration.provider, 'github')));
      const integrationId = integration?.id ?? nanoid();
      const fields = { apiUrl: urls.githubApiUrl, maskedPreview: maskedPreview(urls.gitToken), active: true, rotatedAt: now };
      if (integration) await tx.update(t.gitIntegration).set(fields).where(eq(t.gitIntegration.id, integrationId));
      else await tx.insert(t.gitIntegration).values({ id: integrationId, organizationId: org.id, provider: 'github', tokenKind: 'personal', createdAt: now, ...fields });
      await storeIntegrationToken(tx, keyring, org.id, integrationId, urls.gitToken);

      // One demo token per start; the previous ones are revoked.
      await tx.update(t.runnerToken).set({ revokedAt: now }).where(and(eq(t.runnerToken.organizationId, org.id), like(t.runnerToken.name, 'Demo runner%')));
      const issued = await issueRunnerToken(tx, runnerTokenHashKey, { orgId: org.id, name: 'Demo runner (npm start)', createdBy: null });
      return { runnerToken: issued.token };
    });
  } finally {
    await close();
  }
}
