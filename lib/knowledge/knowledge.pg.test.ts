import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../jobs/create.ts';
import { createBoardWithTicket, type BoardFixture } from '../../test/support/board.ts';
import { sql } from '../../test/support/db.ts';
import { contextOf, serverVerdict } from '../../test/support/fixtures.ts';
import { orgApi } from '../../test/support/org-api.ts';
import { newRunnerOrg, registerRunner, sampleSnapshot, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { connectZero, waitForData, type NodeZero } from '../../test/support/zero-client.ts';
import { mutators } from '../../zero/mutators.ts';
import { queries } from '../../zero/queries.ts';
import { searchEntries } from './entry-search.ts';
import { learnFromResolvedReview, learnFromReview, type ReviewLesson } from './learn.ts';

const db = () => testStack().databaseUrl;

const convention = 'Always log errors with the shared logger instead of console.error; console output is lost in production.';
const rewordedRepeat = 'Please log errors through the shared logger rather than console.error, production loses console output.';
const webhookRule = 'Always validate webhook signatures with the shared verifier before parsing the body.';
const webhookReworded = 'Please check webhook signatures through the shared verifier before the body is parsed.';
/** Shares "parse", "webhook" and "shared" with the rule (similarity 0.46): close, but another lesson. */
const webhookNearMiss = 'Parse the webhook payload with the shared schema.';
const oneSpotFix = 'Typo: `recieveAmount` should be receiveAmount.';
const hunk = '@@ -10,4 +10,6 @@ export async function charge(amount: number) {\n   try {\n     await recieveAmount(amount);\n   } catch (err) {\n+    console.error(err);\n   }';

let acme: RunnerOrg;
let globex: RunnerOrg;
let acmeRunner: string;
let globexRunner: string;
/** Acme's payments project (where the lessons come from) and its web project (another project). */
let payments: BoardFixture;
let web: BoardFixture;
let globexBoard: BoardFixture;
let owner: NodeZero;

let pr = 0;
function review(org: RunnerOrg, board: BoardFixture, comments: ReviewLesson['comments']): ReviewLesson {
  pr++;
  return {
    organizationId: org.account.orgID,
    projectId: board.projectId,
    ticketId: board.ticketId,
    pullRequest: { repository: 'acme/shop', number: pr, url: `https://github.com/acme/shop/pull/${pr}` },
    reviewer: 'octo-reviewer',
    reviewId: `review-${pr}-${nanoid(6)}`,
    comments,
  };
}

async function entry(id: string) {
  const [row] = await sql(db(), 'SELECT * FROM knowledge_entry WHERE id = $1', [id]);
  return row;
}
async function evidenceKinds(id: string): Promise<string[]> {
  return (await sql(db(), 'SELECT kind FROM knowledge_evidence WHERE entry_id = $1 ORDER BY created_at', [id])).map((row) => row.kind);
}

/** The owner's Zero client has the entries (its mutators read them first, as Settings → Knowledge does). */
async function synced(ids: string[]) {
  const view = owner.materialize(queries.knowledge.entries({ orgID: acme.account.orgID }));
  await waitForData(view, (rows) => ids.every((id) => rows.some((row) => row.id === id)), 30_000);
  view.destroy();
}

/** A job on the ticket, claimed by `runnerId`. */
async function claimedTicketJob(org: RunnerOrg, runnerId: string, fixture: BoardFixture): Promise<string> {
  const job = await org.db.transaction((tx) =>
    createJob(tx, {
      organizationId: org.account.orgID,
      type: 'batch',
      title: 'Work the ticket',
      snapshot: sampleSnapshot(),
      ticketId: fixture.ticketId,
      projectId: fixture.projectId,
      createdBy: org.account.userID,
    }),
  );
  expect((await org.api.post('jobs/claim', { runnerId, jobId: job.id })).status).toBe(200);
  return job.id;
}
async function finish(org: RunnerOrg, runnerId: string, jobId: string) {
  for (const status of ['preparing', 'failed']) expect((await org.api.post(`jobs/${jobId}/status`, { runnerId, status })).status).toBe(200);
}

beforeAll(async () => {
  [acme, globex] = await Promise.all([newRunnerOrg('Acme Knowledge Owner'), newRunnerOrg('Globex Knowledge Owner')]);
  [acmeRunner, globexRunner] = await Promise.all([registerRunner(acme.api), registerRunner(globex.api)]);
  payments = await createBoardWithTicket(db(), { orgId: acme.account.orgID, creatorId: acme.account.userID, key: 'PAY', title: 'Charge cards' });
  web = await createBoardWithTicket(db(), {
    orgId: acme.account.orgID,
    creatorId: acme.account.userID,
    key: 'WEB',
    title: 'Show refund errors to the customer',
    description: 'When a refund fails, log the error and show a message.',
  });
  globexBoard = await createBoardWithTicket(db(), { orgId: globex.account.orgID, creatorId: globex.account.userID, key: 'GLX', title: 'Globex refunds' });
  const stack = testStack();
  owner = connectZero({ cacheURL: stack.zeroUrl, userID: acme.account.userID, token: acme.account.token, context: contextOf(acme.account) });
  // Connected and subscribed before the first mutation needs the rows.
  await owner.preload(queries.knowledge.entries({ orgID: acme.account.orgID })).complete;
});

afterAll(async () => {
  await owner?.close();
  await acme?.closeDb();
  await globex?.closeDb();
});

describe('learning from reviews', () => {
  it('turns each comment into an entry, raises its confidence on a recurrence on another pull request and lowers it on a dismissal', async () => {
    const original = review(acme, payments, [{ path: 'src/payments/charge.ts', line: 14, body: convention, diffHunk: hunk }]);
    const first = await learnFromReview(acme.db, original);
    expect(first.created).toHaveLength(1);
    const id = first.created[0]!;
    expect(await entry(id)).toMatchObject({ file_path: 'src/payments/charge.ts', comment: convention, confidence: 0.5, evergreen: true, evergreen_set_by: null });
    expect((await entry(id)).diff_context).toContain('console.error(err);');

    // The same review processed again learns nothing new.
    expect(await learnFromReview(acme.db, original)).toEqual({ created: [], recurred: [], contradicted: [] });

    const repeat = await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/orders/refund.ts', line: 3, body: rewordedRepeat }]));
    expect(repeat).toEqual({ created: [], recurred: [id], contradicted: [] });
    expect(await evidenceKinds(id)).toEqual(['recurrence']);
    expect((await entry(id)).confidence).toBe(0.65);

    await synced([id]);
    const verdict = await serverVerdict(owner.mutate(mutators.knowledge.dismiss({ id, evidenceID: nanoid(), note: 'Scripts may print.' })));
    expect(verdict).toBeNull();
    expect(await evidenceKinds(id)).toEqual(['recurrence', 'dismissed']);
    expect((await entry(id)).confidence).toBe(0.35);
  });

  it('counts a reworded repeat as a recurrence and a near miss on the same file as a new lesson', async () => {
    const { created } = await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/webhooks/stripe.ts', body: webhookRule }]));
    const id = created[0]!;
    const miss = await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/webhooks/stripe.ts', body: webhookNearMiss }]));
    expect(miss.recurred).toEqual([]);
    expect(miss.created).toHaveLength(1);
    expect(await evidenceKinds(id)).toEqual([]);

    // The same words on a file of another kind in another folder: the path rule says no.
    const otherKind = await learnFromReview(acme.db, review(acme, payments, [{ path: 'docs/webhooks.md', body: webhookReworded }]));
    expect(otherKind.recurred).toEqual([]);

    const repeat = await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/webhooks/github.ts', body: webhookReworded }]));
    expect(repeat.recurred).toEqual([id]);
    expect(await evidenceKinds(id)).toEqual(['recurrence']);
  });

  it("counts the runner's revision resolving the threads once per review", async () => {
    const lesson = review(acme, payments, [{ path: 'src/payments/charge.ts', body: 'Prefer early returns over nested conditionals in request handlers.' }]);
    const { created } = await learnFromReview(acme.db, lesson);
    expect(await learnFromResolvedReview(acme.db, { organizationId: acme.account.orgID, reviewId: lesson.reviewId })).toEqual(created);
    expect(await learnFromResolvedReview(acme.db, { organizationId: acme.account.orgID, reviewId: lesson.reviewId })).toEqual([]);
    expect((await entry(created[0]!)).confidence).toBe(0.6);
    // Another organization cannot resolve it.
    expect(await learnFromResolvedReview(acme.db, { organizationId: globex.account.orgID, reviewId: lesson.reviewId })).toEqual([]);
  });

  it('proposes evergreen for a convention, not for a fix of one line, and a person overrides either way', async () => {
    const { created } = await learnFromReview(
      acme.db,
      review(acme, payments, [
        { path: 'src/payments/charge.ts', body: oneSpotFix, diffHunk: hunk },
        { path: 'src/payments/charge.ts', body: 'Never catch an error only to ignore it; rethrow or report it.', diffHunk: hunk },
      ]),
    );
    const [fix, rule] = created as [string, string];
    expect((await entry(fix)).evergreen).toBe(false);
    expect((await entry(rule)).evergreen).toBe(true);
    await synced([fix, rule]);

    expect(await serverVerdict(owner.mutate(mutators.knowledge.setEvergreen({ id: fix, evergreen: true })))).toBeNull();
    expect(await serverVerdict(owner.mutate(mutators.knowledge.setEvergreen({ id: rule, evergreen: false })))).toBeNull();
    expect(await entry(fix)).toMatchObject({ evergreen: true, evergreen_set_by: acme.account.userID });
    expect(await entry(rule)).toMatchObject({ evergreen: false, evergreen_set_by: acme.account.userID });

    // A person's edit of the text is evidence the lesson was not quite right.
    expect(await serverVerdict(owner.mutate(mutators.knowledge.update({ id: rule, evidenceID: nanoid(), comment: 'Never swallow errors: rethrow or report them.', filePath: 'src/payments/charge.ts' })))).toBeNull();
    expect(await entry(rule)).toMatchObject({ comment: 'Never swallow errors: rethrow or report them.', confidence: 0.4 });
  });
});

describe('pre-selection and knowledge_recall', () => {
  const lesson = 'Always wrap refund errors in a RefundFailure with the order id before logging them.';
  let shared: string;
  let local: string;

  beforeAll(async () => {
    // An evergreen lesson that came back twice (confidence 0.8) and a one-off of the same topic (0.5), both from the payments project.
    shared = (await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/payments/refund.ts', body: lesson }]))).created[0]!;
    for (let i = 0; i < 2; i++) await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/payments/refund.ts', body: `Again: ${lesson.toLowerCase()}` }]));
    const oneOff = 'The refund error message here is missing the order number.';
    local = (await learnFromReview(acme.db, review(acme, payments, [{ path: 'src/payments/refund.ts', line: 40, body: oneOff }]))).created[0]!;
    expect(await entry(shared)).toMatchObject({ evergreen: true, confidence: 0.8 });
    expect(await entry(local)).toMatchObject({ evergreen: false, confidence: 0.5 });
    // Globex has the same lesson: never Acme's to see.
    await learnFromReview(globex.db, review(globex, globexBoard, [{ path: 'src/payments/refund.ts', body: lesson }]));
  });

  it("pre-loads another project's lesson when it is evergreen and confident, and not when it is not", async () => {
    const jobId = await claimedTicketJob(acme, acmeRunner, web);
    const preload = await acme.api.post(`jobs/${jobId}/knowledge/preload`, { runnerId: acmeRunner, stageId: 'implement', plan: '' });
    expect(preload.status).toBe(200);
    const ids = preload.body.entries.map((e: { id: string }) => e.id);
    expect(ids).toContain(shared);
    expect(ids).not.toContain(local);
    const uses = await sql(db(), "SELECT entry_id, stage_id FROM knowledge_use WHERE job_id = $1 AND kind = 'preloaded'", [jobId]);
    expect(uses.map((u) => u.entry_id).sort()).toEqual([...ids].sort());

    // Below the shared confidence the same evergreen lesson stays in its project.
    await sql(db(), 'UPDATE knowledge_entry SET confidence = 0.65 WHERE id = $1', [shared]);
    const weaker = await acme.api.post(`jobs/${jobId}/knowledge/preload`, { runnerId: acmeRunner, stageId: 'review', plan: '' });
    expect(weaker.body.entries.map((e: { id: string }) => e.id)).not.toContain(shared);
    await sql(db(), 'UPDATE knowledge_entry SET confidence = 0.8 WHERE id = $1', [shared]);
    await finish(acme, acmeRunner, jobId);
  });

  it("pre-loads the project's own lessons by the paths its plan names and the files earlier jobs on the ticket edited", async () => {
    const jobId = await claimedTicketJob(acme, acmeRunner, payments);
    const bare = await acme.api.post(`jobs/${jobId}/knowledge/preload`, { runnerId: acmeRunner, stageId: 'plan', plan: '' });
    expect(bare.body.entries.map((e: { id: string }) => e.id)).not.toContain(local);
    const planned = await acme.api.post(`jobs/${jobId}/knowledge/preload`, { runnerId: acmeRunner, stageId: 'implement', plan: 'Change src/payments/refund.ts to add the order number.' });
    expect(planned.body.entries.map((e: { id: string }) => e.id)).toContain(local);

    // The agent of this job edited the file; the next job on the ticket gets the lesson without a plan.
    await sql(db(), `INSERT INTO job_event (job_id, seq, organization_id, type, payload, created_at) VALUES ($1, 1000, $2, 'tool_call', $3, $4)`, [
      jobId,
      acme.account.orgID,
      JSON.stringify({ stage: 'implement', id: 'tu-1', name: 'Edit', input: { file_path: '/workspace/shop/src/payments/refund.ts', old_string: 'a', new_string: 'b' } }),
      Date.now(),
    ]);
    await finish(acme, acmeRunner, jobId);
    const next = await claimedTicketJob(acme, acmeRunner, payments);
    const edited = await acme.api.post(`jobs/${next}/knowledge/preload`, { runnerId: acmeRunner, stageId: 'plan', plan: '' });
    expect(edited.body.entries.map((e: { id: string }) => e.id)).toContain(local);
    await finish(acme, acmeRunner, next);
  });

  it("knowledge_recall finds any entry of the organization and never another organization's", async () => {
    const jobId = await claimedTicketJob(acme, acmeRunner, web);
    const recalled = await acme.api.post(`jobs/${jobId}/knowledge/recall`, { runnerId: acmeRunner, query: 'refund error order' });
    expect(recalled.status).toBe(200);
    const ids: string[] = recalled.body.entries.map((e: { id: string }) => e.id);
    expect(ids).toEqual(expect.arrayContaining([shared, local]));
    const orgs = await sql(db(), 'SELECT DISTINCT organization_id FROM knowledge_entry WHERE id = ANY($1)', [ids]);
    expect(orgs.map((o) => o.organization_id)).toEqual([acme.account.orgID]);
    expect(await sql(db(), "SELECT count(*)::int AS n FROM knowledge_use WHERE job_id = $1 AND kind = 'recalled'", [jobId])).toEqual([{ n: ids.length }]);

    // Globex's runner cannot ask through Acme's job, and its own job sees only Globex's lesson.
    expect((await globex.api.post(`jobs/${jobId}/knowledge/recall`, { runnerId: globexRunner, query: 'refund' })).status).toBe(404);
    const globexJob = await claimedTicketJob(globex, globexRunner, globexBoard);
    const theirs = await globex.api.post(`jobs/${globexJob}/knowledge/recall`, { runnerId: globexRunner, query: 'refund error order' });
    expect(theirs.body.entries).toHaveLength(1);
    expect(theirs.body.entries[0].id).not.toBe(shared);
    await finish(acme, acmeRunner, jobId);
    await finish(globex, globexRunner, globexJob);
  });
});

describe('Settings → Knowledge search', () => {
  const refundLesson = 'Always report refund errors through the shared logger, never with console.error.';
  const layoutLesson = 'Prefer CSS grid for page layouts.';
  let initech: RunnerOrg;
  let refund: string;
  let layout: string;

  beforeAll(async () => {
    initech = await newRunnerOrg('Initech Search Owner');
    const board = await createBoardWithTicket(db(), { orgId: initech.account.orgID, creatorId: initech.account.userID, key: 'INI', title: 'Search the lessons' });
    refund = (await learnFromReview(initech.db, review(initech, board, [{ path: 'src/refunds.ts', body: refundLesson }]))).created[0]!;
    layout = (await learnFromReview(initech.db, review(initech, board, [{ path: 'app/layout.css', body: layoutLesson }]))).created[0]!;
    // 1,000 newer entries: the page's live rows (the newest 1,000) no longer hold the two lessons; the search must still find them.
    await sql(
      db(),
      `INSERT INTO knowledge_entry (id, organization_id, project_id, ticket_id, file_path, line, diff_context, comment, reviewer, review_id, pull_request_url, confidence, evergreen, evergreen_set_by, created_at, updated_at)
       SELECT 'filler-' || $2 || '-' || g, $1, NULL, NULL, 'src/filler-' || g || '.ts', NULL, '', 'Filler note ' || g, 'filler-bot', 'review-filler', 'https://github.com/initech/shop/pull/9999', 0.5, false, NULL, $3::float8 + g, $3::float8 + g
       FROM generate_series(1, 1000) AS g`,
      [initech.account.orgID, nanoid(6), Date.now()],
    );
  });

  afterAll(async () => {
    await initech?.closeDb();
  });

  it("matches every word by its English stem, or in the path, reviewer or project's name, over all of the organization's entries", async () => {
    const search = (text: string) => searchEntries(initech.db, { organizationId: initech.account.orgID, text });
    // "logging" is no substring of the lesson: the stem finds "logger".
    expect(await search('logging refunds')).toEqual([refund]);
    expect(await search('grid layouts')).toEqual([layout]);
    // A stop word matches everything; the last word is a prefix as it is typed.
    expect(await search('the refu')).toEqual([refund]);
    expect(await search('layout.css')).toEqual([layout]);
    expect((await search('project ini')).sort()).toEqual([refund, layout].sort());
    expect(await search('octo-reviewer grid')).toEqual([layout]);
    expect(await search('grid logger')).toEqual([]);
    expect(await search('filler')).toHaveLength(200);
    // Acme's lessons have the same words: each organization's search finds only its own.
    expect(await search('log errors shared logger')).toEqual([refund]);
    const acmes = await searchEntries(acme.db, { organizationId: acme.account.orgID, text: 'log errors shared logger' });
    expect(acmes.length).toBeGreaterThan(0);
    expect(acmes).not.toContain(refund);
  });

  it('answers a member over HTTP, refuses an empty search, and another organization finds nothing there', async () => {
    const path = (q: string) => `${initech.account.orgID}/knowledge/search?q=${encodeURIComponent(q)}`;
    expect(await orgApi(initech.account, 'GET', path('logging refunds'))).toMatchObject({ status: 200, body: { ids: [refund] } });
    expect((await orgApi(initech.account, 'GET', path('  '))).status).toBe(400);
    expect((await orgApi(acme.account, 'GET', path('refund'))).status).toBe(404);
  });
});
