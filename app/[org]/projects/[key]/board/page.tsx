import { headers } from 'next/headers';
import { BoardPageClient } from '@/components/board/board-page-client';
import { findMemberOrg } from '@/lib/auth/org-access';
import { getSession } from '@/lib/auth/session';
import { findProjectIdByKey } from '@/lib/board/find-project';

export default async function BoardPage({ params }: { params: Promise<{ org: string; key: string }> }) {
  const { org: slug, key } = await params;
  // With the project's id from here, the board asks for its tickets in the same round trip as
  // for the project, instead of waiting for the project to arrive first. The layout answers
  // for people outside the organization; this only finds nothing for them.
  const session = await getSession(await headers());
  const org = session ? await findMemberOrg(session.user.id, slug) : null;
  const projectID = org ? await findProjectIdByKey(org.id, key) : null;
  return <BoardPageClient projectKey={key} projectID={projectID} />;
}
