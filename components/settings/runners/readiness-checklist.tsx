'use client';
import { useQuery } from '@rocicorp/zero/react';
import { CircleCheck, CircleDashed } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { anthropicEnvName } from '@/lib/secrets/entry-input';
import { queries } from '@/zero/queries';

function Item({ done, children, fix }: { done: boolean; children: ReactNode; fix: ReactNode }) {
  return (
    <li className="flex items-start gap-2" data-testid="readiness-item" data-done={done}>
      {done ? (
        <CircleCheck className="mt-0.5 size-4 shrink-0 text-success" aria-label="Done" />
      ) : (
        <CircleDashed className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-label="Not yet" />
      )}
      <span>
        {children}
        {!done && <> — {fix}</>}
      </span>
    </li>
  );
}

/** Live: what the runner will find at bootstrap (an Anthropic key, an active git integration). */
export function ReadinessChecklist() {
  const org = useCurrentOrg();
  const [entries] = useQuery(queries.runners.vaultEntries({ orgID: org.id }));
  const [integrations] = useQuery(queries.runners.gitIntegrations({ orgID: org.id }));
  const hasKey = entries.some((e) => e.name === anthropicEnvName);
  const activeGit = integrations.filter((i) => i.active);
  const link = 'font-medium underline underline-offset-2';
  // In a new tab: leaving this page would lose the token shown beside the checklist.
  const newTab = { target: '_blank', rel: 'noopener', title: 'Opens in a new tab' };

  return (
    <div className="grid gap-2" data-testid="readiness-checklist">
      <h3 className="text-sm font-medium">Readiness checklist</h3>
      <ul className="grid gap-1.5 text-sm">
        <Item
          done={hasKey}
          fix={
            <Link className={link} href={`/${org.slug}/settings/runners?tab=secrets`} {...newTab}>
              add it under Secrets
            </Link>
          }
        >
          Anthropic API key stored{hasKey ? '' : ' (skip if the supervisor uses Local Claude)'}
        </Item>
        <Item
          done={activeGit.length > 0}
          fix={
            <Link className={link} href={`/${org.slug}/settings/integrations`} {...newTab}>
              connect GitHub or Bitbucket
            </Link>
          }
        >
          Git integration active{activeGit.length ? ` (${activeGit.map((i) => (i.provider === 'github' ? 'GitHub' : 'Bitbucket')).join(', ')})` : ''}
        </Item>
      </ul>
    </div>
  );
}
