// Figures where people look, and who sees what on Settings → Runners. The jobs here are
// rows written as the platform writes them (job, job_usage); test/usage-figures.pg.test.ts
// proves that a real scripted run produces these rows.
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { db, orgIdOf } from './support/database';
import { compileRoutes, createProjectInBrowser, createTicketInBrowser, signUpInBrowser, type Person } from './support/people';

const slugOf = (page: Page) => new URL(page.url()).pathname.split('/')[1];

/** `readSaving` and `writePremium`: what the cache saved as job_usage stores it (priced per model as usage arrives). */
type Usage = { input: number; output: number; cacheRead: number; cacheWrite: number; cost: number; turns: number; readSaving?: number; writePremium?: number };

async function insertRunner(orgId: string, name: string): Promise<string> {
  const id = nanoid();
  await db(
    `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
     VALUES ($1, $2, $3, '0.0.6', '["claude_code"]', '[]', 2, 'token', 'online', $4, $4)`,
    [id, orgId, name, Date.now()],
  );
  return id;
}

async function insertJob(job: { orgId: string; projectId: string; ticketId: string; rootJobId?: string; runnerId: string; title: string; status: string; at: number }): Promise<string> {
  const id = nanoid();
  await db(
    `INSERT INTO job (id, organization_id, project_id, ticket_id, root_job_id, type, title, status, required_capabilities, required_labels, runner_id, last_event_seq, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'streaming', $6, $7, '[]', '[]', $8, 0, $9, $9)`,
    [id, job.orgId, job.projectId, job.ticketId, job.rootJobId ?? id, job.title, job.status, job.runnerId, job.at],
  );
  return id;
}

async function setUsage(jobId: string, orgId: string, u: Usage) {
  await db(
    `INSERT INTO job_usage (job_id, organization_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, turns, cache_read_saving_usd, cache_write_premium_usd)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (job_id) DO UPDATE SET input_tokens = $3, output_tokens = $4, cache_read_tokens = $5, cache_write_tokens = $6, cost_usd = $7, turns = $8,
       cache_read_saving_usd = $9, cache_write_premium_usd = $10`,
    [jobId, orgId, u.input, u.output, u.cacheRead, u.cacheWrite, u.cost, u.turns, u.readSaving ?? 0, u.writePremium ?? 0],
  );
}

/** The figures as the lists show them, by test id (usage-figures.tsx's formatting). */
async function expectFigures(scope: Locator, prefix: string, figures: Record<string, string>) {
  for (const [key, value] of Object.entries(figures)) await expect(scope.getByTestId(`${prefix}${key}`)).toHaveText(value);
}

// 1,200 input + 80 output; cache read 4,000 of 1,200 + 4,000 + 4,100 = 43%. At Sonnet 4.6's
// prices the reads saved 4,000 × ($3 − $0.30)/M = $0.0108, the writes cost 4,100 × ($3.75 − $3)/M
// = $0.003075 more: net $0.007725.
const rootUsage: Usage = { input: 1200, output: 80, cacheRead: 4000, cacheWrite: 4100, cost: 0.0123, turns: 3, readSaving: 0.0108, writePremium: 0.003075 };
const rootFigures = { tokens: '1,280', 'cache-read': '4,000', 'cache-write': '4,100', 'cache-hit-rate': '43%', cost: '$0.0123', 'cache-saving': '$0.0077', turns: '3' };

type Seeded = { owner: Person; slug: string; orgId: string; projectId: string; ticketId: string; displayId: string; runnerId: string; rootId: string };

/** An owner's project with one ticket, an online runner and the ticket's first (failed) run with its usage. */
async function seed(browser: Browser, ownerName: string, key: string): Promise<Seeded> {
  const owner = await signUpInBrowser(browser, ownerName);
  const slug = slugOf(owner.page);
  const orgId = await orgIdOf(slug);
  await createProjectInBrowser(owner.page, `Figures ${key}`, key);
  await createTicketInBrowser(owner.page, 'Count the tokens');
  // The card shows at once (Zero writes it in the browser first); the server numbers it as it commits.
  const ticketRow = async () =>
    (
      await db<{ id: string; project_id: string; number: number }>(
        'SELECT t.id, t.project_id, t.number FROM ticket t JOIN project p ON p.id = t.project_id WHERE p.organization_id = $1 AND p.key = $2 AND t.number IS NOT NULL',
        [orgId, key],
      )
    )[0];
  await expect.poll(ticketRow).toBeTruthy();
  const ticket = (await ticketRow())!;
  const runnerId = await insertRunner(orgId, `figures-${key.toLowerCase()}`);
  const rootId = await insertJob({ orgId, projectId: ticket.project_id, ticketId: ticket.id, runnerId, title: 'First run', status: 'failed', at: Date.now() - 60_000 });
  await setUsage(rootId, orgId, rootUsage);
  return { owner, slug, orgId, projectId: ticket.project_id, ticketId: ticket.id, displayId: `${key}-${ticket.number}`, runnerId, rootId };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/tickets/NONE-1', '/{org}/settings/runners', '/{org}/settings/runners?tab=analytics', '/{org}/settings/integrations']);
});

test('a follow-up run appears under its root run, with figures, live in the runs panel, the Jobs tab and Active Runners', async ({ browser }) => {
  const s = await seed(browser, 'Fiona Figures', 'FIG');
  const { page } = s.owner;
  await page.goto(`/${s.slug}/tickets/${s.displayId}`);
  const group = page.getByTestId('ticket-run-group').filter({ has: page.locator(`[data-job="${s.rootId}"]`) });
  await expect(group).toHaveCount(1);
  await expectFigures(group.locator(`[data-testid="ticket-run"][data-job="${s.rootId}"]`), 'usage-', rootFigures);
  await expect(group.getByTestId('ticket-follow-up')).toHaveCount(0);

  // The ticket goes back into the working status: its follow-up run (on the runner) joins the root, live.
  const followUpId = await insertJob({ orgId: s.orgId, projectId: s.projectId, ticketId: s.ticketId, rootJobId: s.rootId, runnerId: s.runnerId, title: 'Second run', status: 'running', at: Date.now() });
  const followUp = group.locator(`[data-testid="ticket-follow-up"][data-job="${followUpId}"]`);
  await expect(followUp).toBeVisible();
  await expect(followUp).toContainText('Second run');
  await expect(page.getByTestId('ticket-run-group')).toHaveCount(1);
  // No usage yet: no hit rate ("—"), nothing spent.
  await expectFigures(followUp, 'usage-', { tokens: '0', 'cache-hit-rate': '—', cost: '$0.0000', turns: '0' });
  await expect(page.getByTestId('ticket-cost')).toHaveText('$0.0123');
  await expect(page.getByTestId('ticket-cache-saving')).toHaveText('$0.0077');
  // 900 read × ($3 − $0.30)/M = $0.00243 saved.
  await setUsage(followUpId, s.orgId, { input: 100, output: 20, cacheRead: 900, cacheWrite: 0, cost: 1.5, turns: 2, readSaving: 0.00243 });
  await expectFigures(followUp, 'usage-', { tokens: '120', 'cache-read': '900', 'cache-write': '0', 'cache-hit-rate': '90%', cost: '$1.50', 'cache-saving': '$0.0024', turns: '2' });
  // The ticket's figures over both runs, live: net saving, with the gross figures in its tooltip.
  await expect(page.getByTestId('ticket-cost')).toHaveText('$1.51');
  const ticketSaving = page.getByTestId('ticket-cache-saving');
  await expect(ticketSaving).toHaveText('$0.0102');
  await expect(ticketSaving.locator('..')).toHaveAttribute('title', 'Cache reads saved $0.0132 over plain input\nCache writes cost $0.0031 more than plain input\nNet $0.0102');
  await expect(group.locator(`[data-testid="ticket-run"][data-job="${s.rootId}"]`).getByTestId('usage-cache-saving').locator('..')).toHaveAttribute('title', /^Cache reads saved \$0\.0108 over plain input\n/);

  // Jobs tab: the same figures as columns.
  await page.goto(`/${s.slug}/settings/runners?tab=jobs`);
  const rootRow = page.getByTestId('job-row').filter({ hasText: 'First run' });
  await expectFigures(rootRow, 'job-', rootFigures);
  await expectFigures(page.getByTestId('job-row').filter({ hasText: 'Second run' }), 'job-', { tokens: '120', 'cache-hit-rate': '90%', cost: '$1.50', turns: '2' });

  // Active Runners: the runner with its running job, whose figures move as usage arrives.
  await page.goto(`/${s.slug}/settings/runners`);
  const runner = page.locator('[data-testid="active-runner"][data-runner="figures-fig"]');
  const active = runner.locator(`[data-testid="active-job"][data-job="${followUpId}"]`);
  await expectFigures(active, 'usage-', { tokens: '120', 'cache-hit-rate': '90%', turns: '2' });
  await expect(runner.locator(`[data-job="${s.rootId}"]`)).toHaveCount(0);
  await setUsage(followUpId, s.orgId, { input: 100, output: 40, cacheRead: 1900, cacheWrite: 0, cost: 2.25, turns: 4 });
  await expectFigures(active, 'usage-', { tokens: '140', 'cache-read': '1,900', 'cache-hit-rate': '95%', cost: '$2.25', turns: '4' });
  await page.screenshot({ path: test.info().outputPath('active-runners.png') });
});

test('a Member and an administrator see exactly their tabs and actions on Settings → Runners and the ticket page', async ({ browser }) => {
  // Two people, every tab and the ticket page each, then the server's refusals: more than the default minute on a dev server.
  test.setTimeout(180_000);
  const s = await seed(browser, 'Ada Admin', 'ACL');
  const member = await signUpInBrowser(browser, 'Mo Member');
  const [user] = await db<{ id: string }>('SELECT id FROM "user" WHERE email = $1', [member.email]);
  await db(`INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, 'member')`, [nanoid(), s.orgId, user.id]);
  const runnerName = 'figures-acl';

  const expected = {
    admin: { tabs: ['Runners', 'Jobs', 'Analytics', 'Secrets', 'Settings'], manage: true },
    member: { tabs: ['Runners', 'Jobs', 'Analytics'], manage: false },
  };
  for (const [role, page] of [['admin', s.owner.page], ['member', member.page]] as const) {
    const want = expected[role];
    await page.goto(`/${s.slug}/settings/runners`);
    await expect(page.getByRole('heading', { name: 'Runners', level: 1 })).toBeVisible();
    await expect(page.getByRole('tablist', { name: 'Runner settings' }).getByRole('tab')).toHaveText(want.tabs);

    // Runners tab: Active Runners and the runner list for both; Delete and tokens for administrators only.
    await expect(page.locator(`[data-testid="active-runner"][data-runner="${runnerName}"]`)).toBeVisible();
    const row = page.getByTestId('runner-row').filter({ hasText: runnerName });
    await expect(row.getByTestId('runner-status')).toHaveText('Online');
    await expect(row.getByRole('button', { name: `Delete runner ${runnerName}` })).toHaveCount(want.manage ? 1 : 0);
    await expect(page.getByRole('button', { name: 'Create token' })).toHaveCount(want.manage ? 1 : 0);
    await expect(page.getByTestId('admin-only')).toHaveCount(0);

    // Jobs tab: the jobs with their figures for both; New job for administrators only.
    await page.getByRole('tab', { name: 'Jobs' }).click();
    await expectFigures(page.getByTestId('job-row').filter({ hasText: 'First run' }), 'job-', rootFigures);
    await expect(page.getByRole('button', { name: 'Create job' })).toHaveCount(want.manage ? 1 : 0);

    // Analytics: the figures for both; the organization cost summary and the time zone choice for administrators only.
    await page.getByRole('tab', { name: 'Analytics' }).click();
    // This organization's jobs are rows written by hand here, not counted in the roll-ups: no activity.
    await expect(page.getByTestId('analytics-empty')).toBeVisible();
    await expect(page.getByTestId('cost-summary')).toHaveCount(want.manage ? 1 : 0);
    await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveCount(want.manage ? 1 : 0);
    if (!want.manage) await expect(page.getByTestId('analytics-time-zone')).toHaveText('Days in UTC');

    // Secrets and Settings: administrators' tabs; a member who follows a link is told why not.
    await page.goto(`/${s.slug}/settings/runners?tab=secrets`);
    if (want.manage) await expect(page.getByRole('button', { name: 'Add secret' }).first()).toBeVisible();
    else await expect(page.getByTestId('admin-only')).toHaveText(/Only administrators can manage runner secrets\./);
    await page.goto(`/${s.slug}/settings/runners?tab=settings`);
    if (want.manage) await expect(page.getByLabel('Offline timeout (seconds)')).toBeVisible();
    else await expect(page.getByTestId('admin-only')).toHaveText(/Only administrators can manage runners, runner tokens and jobs\./);

    // The ticket page: its runs with figures and its AI budget for both; both may change it (steering jobs is a Member's right by default).
    await page.goto(`/${s.slug}/tickets/${s.displayId}`);
    await expectFigures(page.locator(`[data-testid="ticket-run"][data-job="${s.rootId}"]`), 'usage-', rootFigures);
    await expect(page.getByTestId('ticket-ai-budget-text')).toHaveText('Team default');
    await expect(page.getByRole('button', { name: 'Edit AI budget' })).toHaveCount(1);
  }

  // The server refuses what the member's page does not offer.
  const origin = new URL(member.page.url()).origin;
  const token = await member.page.request.post(`/api/orgs/${s.orgId}/runner-tokens`, { data: { name: 'sneaky' }, headers: { origin } });
  expect(token.status()).toBe(403);
  const secret = await member.page.request.put(`/api/orgs/${s.orgId}/secrets`, { data: { preset: 'anthropic', value: 'sk-ant-api03-member-0123456789abcdef' }, headers: { origin } });
  expect(secret.status()).toBe(403);
  await member.page.goto(`/${s.slug}/settings/integrations`);
  await expect(member.page.getByTestId('admin-only')).toContainText('Only administrators can manage git integrations.');
});
