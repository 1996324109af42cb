import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { listMemberOrgs } from '@/lib/auth/org-access';
import { getSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const session = await getSession(await headers());
  if (!session) redirect('/sign-in');
  const [first] = await listMemberOrgs(session.user.id);
  redirect(first ? `/${first.slug}` : '/sign-in');
}
