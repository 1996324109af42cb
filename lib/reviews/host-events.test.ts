import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBitbucketDelivery, parseGithubDelivery } from './host-events.ts';

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
});
