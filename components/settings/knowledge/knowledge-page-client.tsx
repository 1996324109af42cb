'use client';
import { useQuery } from '@rocicorp/zero/react';
import { GraduationCap, Search, ThumbsDown } from 'lucide-react';
import { nanoid } from 'nanoid';
import { useMemo, useState } from 'react';
import { DeleteRowButton, EditRowButton } from '@/components/settings/row-actions';
import { ScopeBadge, SettingsTable } from '@/components/settings/settings-table';
import { SettingsPage } from '@/components/settings/teams/settings-page';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { ListSkeleton } from '@/components/ui/list-skeleton';
import { Switch } from '@/components/ui/switch';
import { can, permissionDeniedMessage } from '@/lib/auth/permissions';
import { sharedConfidence } from '@/lib/knowledge/confidence';
import { entryFigures, entrySearchLimit } from '@/lib/knowledge/entry-figures';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { KnowledgeDialog } from './knowledge-dialog';
import { useKnowledgeSearch } from './use-knowledge-search';

const noMatches: string[] = [];

/** Settings → Knowledge: what reviewers taught, how sure we are, and whether it reached agents and stopped recurring. */
export function KnowledgePageClient() {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [entries, { type }] = useQuery(queries.knowledge.entries({ orgID: org.id }));
  const [search, setSearch] = useState('');
  const manage = can(org.role, 'teams:manage');
  // A search is answered by PostgreSQL (every entry, English stems), asked again when the live rows change.
  const version = useMemo(() => entries.map((entry) => `${entry.id}:${entry.updatedAt}`).join(','), [entries]);
  const found = useKnowledgeSearch(org.id, search.trim(), version);
  const ids = found.state === 'found' ? found.ids : noMatches;
  const [matches] = useQuery(queries.knowledge.entriesByIds({ orgID: org.id, ids }), { enabled: ids.length > 0 });
  const shown = useMemo(() => {
    if (found.state === 'idle') return entries;
    const byId = new Map(matches.map((entry) => [entry.id, entry]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }, [found.state, entries, matches, ids]);

  return (
    <SettingsPage
      title="Knowledge"
      description={`Each review comment a runner processes becomes an entry. Agents get the relevant ones before each stage (their project's, and evergreen entries with confidence ≥ ${sharedConfidence} from any project) and can search all of them with knowledge_recall. A recurrence is the same kind of comment coming back in a later review: learning works when that stays at 0.`}
    >
      {entries.length === 0 && type !== 'complete' ? (
        <ListSkeleton label="Loading knowledge" rowClassName="h-12" />
      ) : entries.length === 0 ? (
        <EmptyState
          icon={GraduationCap}
          title="Nothing learned yet"
          description="When a reviewer comments on a pull request a runner opened and the runner revises it, each comment is kept here for the next agents."
          data-testid="knowledge-empty"
        />
      ) : (
        <div className="grid gap-3">
          <div className="relative max-w-sm">
            <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
            <Input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search lessons, files, reviewers" aria-label="Search knowledge" className="pl-8" />
          </div>
          {!manage && <p className="text-sm text-muted-foreground">{permissionDeniedMessage('teams:manage')}</p>}
          <SettingsTable caption="Knowledge entries" columns={['File and lesson', 'Project', 'Confidence', 'Evergreen', 'Pre-loaded', 'Recalled', 'Recurrences']}>
            {shown.map((entry) => {
              const figures = entryFigures(entry);
              return (
                <tr key={entry.id} data-testid="knowledge-row" data-entry={entry.id}>
                  <td className="max-w-md px-3 py-2.5">
                    <div className="font-mono text-xs text-muted-foreground">{entry.filePath}</div>
                    <p className="line-clamp-3" data-testid="knowledge-comment">
                      {entry.comment}
                    </p>
                    <div className="text-xs text-muted-foreground">
                      {entry.reviewer} ·{' '}
                      <a className="underline underline-offset-2" href={entry.pullRequestUrl} target="_blank" rel="noreferrer">
                        pull request
                      </a>
                    </div>
                  </td>
                  <td className="px-3 py-2.5">
                    <ScopeBadge projectName={entry.project?.name ?? null} />
                  </td>
                  <td className="px-3 py-2.5 tabular-nums" data-testid="knowledge-confidence">
                    {entry.confidence.toFixed(2)}
                  </td>
                  <td className="px-3 py-2.5">
                    <div className="flex items-center gap-2">
                      <Switch
                        checked={entry.evergreen}
                        disabled={!manage}
                        onCheckedChange={(on) => mutate(mutators.knowledge.setEvergreen({ id: entry.id, evergreen: on }))}
                        aria-label={`Evergreen: ${entry.filePath}`}
                      />
                      <Badge variant="outline" className="text-xs font-normal">
                        {entry.evergreenSetBy ? 'set by a person' : 'proposed'}
                      </Badge>
                    </div>
                  </td>
                  <td className="px-3 py-2.5 tabular-nums" data-testid="knowledge-preloaded">
                    {figures.preloaded}
                  </td>
                  <td className="px-3 py-2.5 tabular-nums" data-testid="knowledge-recalled">
                    {figures.recalled}
                  </td>
                  <td className="px-3 py-2.5 tabular-nums" data-testid="knowledge-recurrences">
                    {figures.recurrences}
                  </td>
                  <td className="px-3 py-2.5">
                    {manage && (
                      <div className="flex justify-end gap-1">
                        <KnowledgeDialog entry={entry} trigger={<EditRowButton name={entry.filePath} />} />
                        <Button
                          variant="ghost"
                          size="icon"
                          aria-label={`Dismiss ${entry.filePath}`}
                          title="Dismiss: the lesson is wrong or not worth keeping (lowers its confidence)"
                          onClick={() => mutate(mutators.knowledge.dismiss({ id: entry.id, evidenceID: nanoid() }))}
                        >
                          <ThumbsDown aria-hidden />
                        </Button>
                        <DeleteRowButton
                          name={entry.filePath}
                          description="Agents no longer get this lesson. Its evidence and its use counts are deleted with it."
                          confirmLabel="Delete entry"
                          onConfirm={() => mutate(mutators.knowledge.delete({ id: entry.id }))}
                        />
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </SettingsTable>
          <SearchStatus found={found} shown={shown.length} search={search.trim()} />
        </div>
      )}
    </SettingsPage>
  );
}

function SearchStatus({ found, shown, search }: { found: ReturnType<typeof useKnowledgeSearch>; shown: number; search: string }) {
  const note = (text: string) => (
    <p className="text-sm text-muted-foreground" data-testid="knowledge-search-status">
      {text}
    </p>
  );
  if (found.state === 'searching') return note('Searching…');
  if (found.state === 'failed') return note(found.message);
  if (found.state !== 'found' || found.stale) return null;
  if (found.ids.length === 0) return note(`No entry matches “${search}”.`);
  if (found.ids.length >= entrySearchLimit && shown >= entrySearchLimit) return note(`Showing the ${entrySearchLimit} best matches; add a word to narrow the search.`);
  return null;
}
