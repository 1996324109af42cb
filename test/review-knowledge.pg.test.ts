// What reviews teach, through the real review processing path: GitHub's signed webhook for a
// review, the task that reads its inline comments (with their diff_hunk) from the provider
// stand-in's REST API, and the knowledge it writes; a later reviewer taking a lesson back on
// another pull request lowers the entry's confidence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server.ts';
import { sql } from './support/db.ts';
import { openPullRequest, processed, reviewLoopOrg, webhookUrl, type ReviewLoopOrg } from './support/review-loop.ts';
import { testStack } from './support/stack-env.ts';

let provider: ProviderApi;
let org: ReviewLoopOrg;
/** The first test's pull request, whose review taught the convention. */
let firstUrl = '';

const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);

/** The first pull request's diff, as `git diff main...branch` prints it. */
const chargeDiff = [
  'diff --git a/src/payments/charge.ts b/src/payments/charge.ts',
  'index 3b18e51..a5c2f3e 100644',
  '--- a/src/payments/charge.ts',
  '+++ b/src/payments/charge.ts',
  '@@ -10,4 +10,5 @@ export async function charge(amount: number) {',
  '   try {',
  '     await recieveAmount(amount);',
  '   } catch (err) {',
  '+    console.error(err);',
  '   }',
  '',
].join('\n');
const convention = 'Always log errors with the shared logger instead of console.error.';
const spotFix = 'Never call `recieveAmount` without a timeout.';
const takenBack = 'No need to log errors with the shared logger in this script; console output is fine.';

async function review(number: number, comments: { path: string; line: number; body: string }[], diff?: string) {
  const posted = provider.reviews.post({ repository: org.repository, number, reviewer: 'rita-reviewer', state: 'COMMENTED', body: 'A few notes.', comments, diff });
  const delivery = await provider.reviews.deliver(webhookUrl(org), org.secret, posted);
  expect(delivery.status).toBe(202);
  expect(await processed(org, delivery.deliveryId)).toMatchObject({ outcome: 'processed' });
}

const entriesOf = (url: string) =>
  query<{ id: string; comment: string; diff_context: string; evergreen: boolean; confidence: number }>(
    'SELECT id, comment, diff_context, evergreen, confidence FROM knowledge_entry WHERE organization_id = $1 AND pull_request_url = $2 ORDER BY comment',
    [org.owner.orgID, url],
  );

beforeAll(async () => {
  provider = await startProviderApi();
  org = await reviewLoopOrg(provider, 'Knowledge Review Owner', 'KRV');
});

afterAll(async () => {
  await org?.close();
  await provider?.close();
});

describe('knowledge from processed reviews', () => {
  it("keeps each comment's diff hunk, so a comment quoting the diff's code is not proposed evergreen", async () => {
    const first = await openPullRequest(org, 'Charge cards');
    await review(
      first.number,
      [
        { path: 'src/payments/charge.ts', line: 13, body: convention },
        { path: 'src/payments/charge.ts', line: 11, body: spotFix },
      ],
      chargeDiff,
    );
    firstUrl = first.url;
    const [rule, fix] = await entriesOf(first.url);
    expect(rule).toMatchObject({ comment: convention, evergreen: true, confidence: 0.5 });
    expect(rule!.diff_context).toBe(chargeDiff.split('\n').slice(4, 9).join('\n'));
    expect(rule!.diff_context.split('\n').at(-1)).toBe('+    console.error(err);');
    // GitHub's hunk ends at the commented line: line 11 is the hunk's second line.
    expect(fix).toMatchObject({ comment: spotFix, evergreen: false, diff_context: chargeDiff.split('\n').slice(4, 7).join('\n') });
  });

  it('lowers the confidence of an entry a later reviewer contradicts on another pull request', async () => {
    const [entry] = (await entriesOf(firstUrl)).filter((row) => row.comment === convention);
    const later = await openPullRequest(org, 'Refund script');
    await review(later.number, [{ path: 'src/payments/refund-script.ts', line: 4, body: takenBack }]);

    const evidence = await query<{ kind: string; text: string; pull_request_url: string }>('SELECT kind, text, pull_request_url FROM knowledge_evidence WHERE entry_id = $1', [entry!.id]);
    expect(evidence).toEqual([{ kind: 'contradicted', text: takenBack, pull_request_url: later.url }]);
    expect((await query('SELECT confidence FROM knowledge_entry WHERE id = $1', [entry!.id]))[0]).toEqual({ confidence: 0.25 });
    // The contradicting comment is a lesson of its own too.
    expect((await entriesOf(later.url)).map((row) => row.comment)).toEqual([takenBack]);
  });
});
