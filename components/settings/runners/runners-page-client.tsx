'use client';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Tabs, tabPanelProps } from '@/components/ui/tabs';
import { can, type Permission } from '@/lib/auth/permissions';
import { AdminOnly } from '@/components/settings/admin-only';
import { JobsTab } from '@/components/jobs/jobs-tab';
import { AnalyticsTab } from '@/components/analytics/analytics-tab';
import type { CreatedToken } from './create-token-dialog';
import { RunnersTab } from './runners-tab';
import { SecretsTab } from './secrets-tab';
import { RunnerSettingsTab } from './runner-settings-tab';

// Runners, Jobs and Analytics are every member's; Secrets and Settings only those who manage them see.
const tabs = [
  { value: 'runners', label: 'Runners' },
  { value: 'jobs', label: 'Jobs' },
  { value: 'analytics', label: 'Analytics' },
  { value: 'secrets', label: 'Secrets', permission: 'runners:manage-secrets' },
  { value: 'settings', label: 'Settings', permission: 'runners:manage' },
] as const satisfies readonly { value: string; label: string; permission?: Permission }[];
type Tab = (typeof tabs)[number]['value'];

const idBase = 'runner-settings';

export function RunnersPageClient() {
  const org = useCurrentOrg();
  const params = useSearchParams();
  const tab: Tab = tabs.find((t) => t.value === params.get('tab'))?.value ?? 'runners';
  // A just-created token, shown until dismissed; only ever in this component's memory.
  const [createdToken, setCreatedToken] = useState<CreatedToken | null>(null);

  function show(next: Tab) {
    const query = new URLSearchParams(params);
    if (next === 'runners') query.delete('tab');
    else query.set('tab', next);
    const search = query.toString();
    // Next.js keeps useSearchParams in step with the History API, without a server round trip.
    window.history.pushState(null, '', search ? `?${search}` : window.location.pathname);
  }

  const canManage = can(org.role, 'runners:manage');
  const canManageSecrets = can(org.role, 'runners:manage-secrets');
  const shownTabs = tabs.filter((t) => !('permission' in t) || can(org.role, t.permission));

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto grid w-full max-w-5xl gap-6 px-6 py-8">
        <header className="grid gap-1">
          <h1 className="text-2xl font-semibold">Runners</h1>
          <p className="text-sm text-muted-foreground">
            AI runner agents that pick up jobs from {org.name}&apos;s board, write the code and open pull requests.
          </p>
        </header>
        <Tabs tabs={shownTabs} value={tab} onValueChange={show} idBase={idBase} aria-label="Runner settings" />
        <section {...tabPanelProps(idBase, tab)} className="outline-none">
          {tab === 'analytics' ? (
            <AnalyticsTab />
          ) : tab === 'secrets' ? (
            canManageSecrets ? <SecretsTab /> : <AdminOnly permission="runners:manage-secrets" />
          ) : tab === 'settings' ? (
            canManage ? <RunnerSettingsTab /> : <AdminOnly permission="runners:manage" />
          ) : tab === 'jobs' ? (
            <JobsTab />
          ) : (
            <RunnersTab canManage={canManage} createdToken={createdToken} onCreatedTokenChange={setCreatedToken} />
          )}
        </section>
      </div>
    </div>
  );
}
