// POST /api/orgs/[orgId]/projects/[projectId]/repositories — link a repository to the
// project: GitHub/Bitbucket `{ provider, fullName: "owner/name" }` through the org's
// integration (GitLab is not offered: link-input.ts). Answers with the stored row, its base
// branch detected from the provider's default branch. Base-branch overrides and removal
// are the Zero mutators buildSettings.setBaseBranch / removeRepository.
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { linkRepository } from '@/lib/repositories/link';
import { linkRepositoryInput } from '@/lib/repositories/link-input';
import { getKeyring } from '@/lib/secrets/keyring';

export const POST = withSession<{ orgId: string; projectId: string }, typeof linkRepositoryInput>(
  { permission: 'teams:manage', body: linkRepositoryInput },
  async ({ orgId, params, body }) => {
    const repository = await linkRepository(getDb(), getKeyring(), orgId, params.projectId, body);
    return { repository };
  },
);
