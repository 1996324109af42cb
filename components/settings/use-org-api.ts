'use client';
import { useCallback } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import type { ApiIssue } from '@/lib/auth/with-session';

export type OrgApiResult<T> = { ok: true; data: T } | { ok: false; error: string; issues: ApiIssue[] };

/**
 * Calls the organization routes (`/api/orgs/[orgId]/…`) that carry secrets, which must
 * not go through Zero mutators. Resolves to the data or the server's readable message.
 */
export function useOrgApi() {
  const org = useCurrentOrg();
  return useCallback(
    async <T>(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<OrgApiResult<T>> => {
      let res: Response;
      try {
        res = await fetch(`/api/orgs/${encodeURIComponent(org.id)}/${path}`, {
          method,
          headers: body === undefined ? undefined : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: 'no-store',
        });
      } catch {
        return { ok: false, error: 'Could not reach Spedy. Check your connection and try again.', issues: [] };
      }
      const payload = (await res.json().catch(() => null)) as ({ error?: string; issues?: ApiIssue[] } & T) | null;
      if (!res.ok) {
        return { ok: false, error: payload?.error ?? `The request failed (${res.status}). Try again.`, issues: payload?.issues ?? [] };
      }
      return { ok: true, data: payload as T };
    },
    [org.id],
  );
}
