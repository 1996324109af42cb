import { generateKeyBetween } from 'fractional-indexing';

/** Fractional index between two neighbours (either may be missing); strings sort by code unit. */
export function rankBetween(before: string | null | undefined, after: string | null | undefined): string {
  // Neighbours can arrive out of order after concurrent moves; never throw at the user.
  if (before && after && before >= after) return generateKeyBetween(before, null);
  return generateKeyBetween(before ?? null, after ?? null);
}

export function compareRank(a: { rank: string; id: string }, b: { rank: string; id: string }): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
