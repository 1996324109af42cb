import { describe, expect, it } from 'vitest';
import { bitbucketChangeRequestKey, bitbucketChangeRequestReviewer, type HostReview } from './host-events.ts';
import { newAmong } from './standing-change-requests.ts';

const minute = 60_000;
const requested = (reviewer: string, commit: string, at: number | null): HostReview => ({
  key: bitbucketChangeRequestKey(`{${reviewer}}`, commit),
  reviewer,
  state: 'changes_requested',
  summary: '',
  submittedAt: at,
});
// Rita requested changes at minute 10 on commit aaa (recorded at minute 10.5); the revision job finished at minute 20 and pushed bbb.
const recorded = [{ key: bitbucketChangeRequestKey('{rita}', 'aaaaaaaaaaaa'), submittedAt: 10 * minute, createdAt: 10.5 * minute }];
const revisions = [{ finishedAt: 20 * minute }];

describe('a Bitbucket change request read by the poller at a new source commit', () => {
  it('is whose key says, without the commit', () => {
    expect(bitbucketChangeRequestReviewer(bitbucketChangeRequestKey('{rita}', 'BBBBBBBBBBBBBBBB'))).toBe('{rita}');
    expect(bitbucketChangeRequestReviewer('rita@example.com@bbbbbbbbbbbb')).toBe('rita@example.com');
  });

  it('is still standing when the reviewer was last active before the revision finished', () => {
    expect(newAmong([requested('rita', 'bbbbbbbbbbbb', 15 * minute)], recorded, revisions)).toEqual([]);
    expect(newAmong([requested('rita', 'bbbbbbbbbbbb', null)], recorded, revisions)).toEqual([]);
  });

  it('is new when the reviewer was active after the revision (requested changes again)', () => {
    const again = requested('rita', 'bbbbbbbbbbbb', 21 * minute);
    expect(newAmong([again], recorded, revisions)).toEqual([again]);
  });

  it('is not new while a revision is still running', () => {
    expect(newAmong([requested('rita', 'bbbbbbbbbbbb', 21 * minute)], recorded, [...revisions, { finishedAt: null }])).toEqual([]);
  });

  it('without a revision, is new only when the reviewer was active after their request was recorded', () => {
    expect(newAmong([requested('rita', 'bbbbbbbbbbbb', 10.2 * minute)], recorded, [])).toEqual([]);
    expect(newAmong([requested('rita', 'bbbbbbbbbbbb', 11 * minute)], recorded, [])).toHaveLength(1);
  });

  it("is another reviewer's first request whatever the times: keyed as the webhook keys it", () => {
    const omar = requested('omar', 'bbbbbbbbbbbb', 5 * minute);
    expect(newAmong([omar], recorded, revisions)).toEqual([omar]);
  });
});
