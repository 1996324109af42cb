'use client';
import { useEffect, useState } from 'react';

/** Typing settles this long before the search is asked (one request per pause, not per key). */
const settleMs = 200;

export type KnowledgeSearch =
  /** No search typed. */
  | { state: 'idle' }
  /** The first answer for this search is not in yet. */
  | { state: 'searching' }
  | { state: 'found'; ids: string[]; stale: boolean }
  | { state: 'failed'; message: string };

/**
 * Settings → Knowledge's search, answered by PostgreSQL (GET /api/orgs/[orgId]/knowledge/search):
 * the matching entry ids, best first. Asked again when `version` changes (the live rows changed,
 * so the matches may have). While a new search is asked, the last answer stays (`stale`).
 */
export function useKnowledgeSearch(orgID: string, search: string, version: string): KnowledgeSearch {
  const [answer, setAnswer] = useState<{ search: string; result: KnowledgeSearch } | null>(null);
  useEffect(() => {
    // `version` only asks again: the live rows changed.
    if (!search || version === undefined) return;
    let live = true;
    const timer = setTimeout(() => {
      fetch(`/api/orgs/${encodeURIComponent(orgID)}/knowledge/search?q=${encodeURIComponent(search)}`, { cache: 'no-store' })
        .then(async (res) => {
          const body = (await res.json().catch(() => ({}))) as { ids?: string[]; error?: string };
          const result: KnowledgeSearch = res.ok && body.ids ? { state: 'found', ids: body.ids, stale: false } : { state: 'failed', message: body.error ?? `The search failed (${res.status}).` };
          if (live) setAnswer({ search, result });
        })
        .catch(() => {
          if (live) setAnswer({ search, result: { state: 'failed', message: 'The search could not reach the server; check the connection and try again.' } });
        });
    }, settleMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [orgID, search, version]);
  if (!search) return { state: 'idle' };
  if (answer?.search === search) return answer.result;
  if (answer?.result.state === 'found') return { ...answer.result, stale: true };
  return { state: 'searching' };
}
