import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bitbucketChangeRequestKey, parseBitbucketDelivery, parseGithubDelivery } from './host-events.ts';

const example = JSON.parse(readFileSync(new URL('../../test/fixtures/github-pull-request-review.json', import.meta.url), 'utf8'));

describe('host events', () => {
  it("reads GitHub's published pull_request_review example as a review", () => {
    expect(parseGithubDelivery('pull_request_review', example)).toEqual({
      ok: true,
      event: 'pull_request_review.submitted',
      hostEvent: {
        kind: 'review',
        provider: 'github',
        repository: 'Codertocat/Hello-World',
        number: 2,
        review: { key: '237895671', reviewer: 'Codertocat', state: 'commented', summary: '', submittedAt: Date.parse('2019-05-15T15:20:38Z') },
      },
    });
  });

  it('reads a merged and a closed pull request as states, and refuses a malformed payload', () => {
    const pr = (merged: boolean) => ({ action: 'closed', pull_request: { number: 7, merged }, repository: { full_name: 'acme/shop' } });
    expect(parseGithubDelivery('pull_request', pr(true))).toMatchObject({ ok: true, hostEvent: { kind: 'state', state: 'merged', number: 7 } });
    expect(parseGithubDelivery('pull_request', pr(false))).toMatchObject({ ok: true, hostEvent: { kind: 'state', state: 'closed' } });
    expect(parseGithubDelivery('pull_request_review', { action: 'submitted', review: { id: 'x' } })).toMatchObject({ ok: false });
    expect(parseBitbucketDelivery('pullrequest:fulfilled', { pullrequest: { id: 3 }, repository: { full_name: 'ws/repo' } })).toMatchObject({
      ok: true,
      hostEvent: { kind: 'state', provider: 'bitbucket', state: 'merged' },
    });
    expect(parseBitbucketDelivery('pullrequest:changes_request_created', { pullrequest: {} })).toMatchObject({ ok: false });
  });

  it("keys a Bitbucket change request by its reviewer and the pull request's source commit, as the poller does", () => {
    const user = { display_name: 'Rita', uuid: '{d301aafa-d676-4ee0-88be-962be7417567}' };
    const payload = {
      actor: user,
      pullrequest: { id: 3, source: { branch: { name: 'spedy/fix' }, commit: { hash: 'd3022fc0ca3d' } } },
      repository: { full_name: 'ws/repo' },
      changes_request: { date: '2026-12-06T14:00:00.123456+00:00', user },
    };
    const parsed = parseBitbucketDelivery('pullrequest:changes_request_created', payload);
    expect(parsed).toMatchObject({ ok: true, hostEvent: { kind: 'review', number: 3, review: { reviewer: 'Rita', state: 'changes_requested' } } });
    const key = parsed.ok && parsed.hostEvent.kind === 'review' ? parsed.hostEvent.review.key : '';
    // The poller reads the full hash; the participant's time (its latest activity) is no part of the key.
    expect(key).toBe(bitbucketChangeRequestKey(user.uuid, 'D3022FC0CA3D5B2E1A0F9C8D7E6B5A4F3E2D1C0B'));
    expect(key).not.toBe(bitbucketChangeRequestKey(user.uuid, 'a11c0ffee000'));
  });
});
