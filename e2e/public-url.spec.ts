// A Spedy served at its own https URL behind a TLS-terminating proxy, as a team runs it:
// its own stack (fresh database, invite-only sign-up, app on every interface for a proxy on
// another host), the proxy from the test kit, and Chromium resolving spedy.test to loopback.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import pg from 'pg';
import { fromRoot } from '../stack/paths.ts';
import { findFreePort } from '../stack/ports.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import { startTlsProxy, type TlsProxy } from '../test-kit/tls-proxy.ts';
import { isLoopback, listeningSockets, processesInGroups } from '../test/support/listening-sockets.ts';
import { column, createProjectInBrowser, createTicketInBrowser, dragCard } from './support/people';

test.describe.configure({ mode: 'serial' });

const hostname = 'spedy.test';
let stack: Stack;
let proxy: TlsProxy;
let browser: Browser;
let publicUrl: string;
let dataDir: string;
const owner = { name: 'Priya Owner', email: `priya.${Date.now()}@example.test`, password: 'a-long-owner-password' };

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const appPort = await findFreePort(3400);
  proxy = await startTlsProxy({ hostname, upstreamPort: appPort });
  publicUrl = `https://${hostname}:${proxy.port}`;
  dataDir = fromRoot('.test-data', `public-url-${randomBytes(3).toString('hex')}`);
  // The suite's own stack runs without the demo; this one decides by its URL, as npm start does.
  delete process.env.SPEDY_DEMO;
  stack = await startStack({
    dataDir,
    port: appPort,
    preferredZeroPort: 5148,
    publicUrl,
    externalDatabaseUrl: false,
    ephemeral: true,
    log: () => undefined,
    extraAppEnv: { SPEDY_HOST: '0.0.0.0', SPEDY_TRUSTED_PROXIES: 'loopback', SPEDY_AUTH_RATE_LIMIT: '1' },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', `--host-resolver-rules=MAP ${hostname} 127.0.0.1`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await proxy?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A request as the proxy would forward it: to the app on this machine, from a client address the proxy names. */
function viaProxy(pathname: string, init: { body?: unknown; clientAddress: string; headers?: Record<string, string> }) {
  return fetch(`${stack.localAppUrl}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: publicUrl, 'x-forwarded-for': init.clientAddress, ...init.headers },
    body: JSON.stringify(init.body ?? {}),
  });
}

test('only the app listens beyond loopback: zero-cache, its change-streamer and PostgreSQL stay on 127.0.0.1', () => {
  const recorded = ['app', 'zero-cache', 'postgres'].flatMap((name) => {
    const file = path.join(dataDir, 'run', `${name}.pid`);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }[]).map((p) => p.pid);
  });
  const sockets = listeningSockets([...new Set([...recorded, ...processesInGroups(recorded)])]);
  const appPort = Number(new URL(stack.localAppUrl).port);
  const zeroPort = Number(new URL(stack.zeroUrl).port);
  expect(sockets.map((s) => s.port)).toEqual(expect.arrayContaining([appPort, zeroPort, zeroPort + 1]));
  const beyondLoopback = sockets.filter((s) => !isLoopback(s.address));
  expect(beyondLoopback.map((s) => s.port)).toEqual([appPort]);
});

test('no demo account exists, and sign-up needs the setup code, which works once', async () => {
  expect(await query('SELECT id FROM "user" WHERE email = $1', ['demo@spedy.dev'])).toEqual([]);
  expect(stack.setupCode).toMatch(/^[A-Z0-9]{5}(-[A-Z0-9]{5}){3}$/);

  const refused = await viaProxy('/api/auth/sign-up/email', { clientAddress: '198.51.100.20', body: owner });
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { message: string }).message).toMatch(/by invitation/);
  const wrongCode = await viaProxy('/api/auth/sign-up/email', { clientAddress: '198.51.100.20', body: owner, headers: { 'x-spedy-setup-code': 'AAAAA-BBBBB-CCCCC-DDDDD' } });
  expect(wrongCode.status).toBe(403);
  expect(await query('SELECT id FROM "user"')).toEqual([]);

  const accepted = await viaProxy('/api/auth/sign-up/email', { clientAddress: '198.51.100.20', body: owner, headers: { 'x-spedy-setup-code': stack.setupCode! } });
  expect(accepted.status).toBe(200);
  const roles = await query<{ role: string }>('SELECT m.role FROM member m JOIN "user" u ON u.id = m.user_id WHERE u.email = $1', [owner.email]);
  expect(roles).toEqual([{ role: 'owner' }]);

  const again = await viaProxy('/api/auth/sign-up/email', {
    clientAddress: '198.51.100.21',
    body: { ...owner, email: `second.${Date.now()}@example.test` },
    headers: { 'x-spedy-setup-code': stack.setupCode! },
  });
  expect(again.status).toBe(403);
});

test('rate limits count the client address a trusted proxy names, so one client cannot lock out another', async () => {
  // Runner tokens: 20 failed attempts a minute per address.
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${stack.localAppUrl}/api/v1/runners/heartbeat`, {
      method: 'POST',
      headers: { authorization: 'Bearer rnt_not-a-real-token', 'x-forwarded-for': '203.0.113.66', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  }
  const blocked = await fetch(`${stack.localAppUrl}/api/v1/runners/heartbeat`, {
    method: 'POST',
    headers: { authorization: 'Bearer rnt_not-a-real-token', 'x-forwarded-for': '203.0.113.66', 'content-type': 'application/json' },
    body: '{}',
  });
  expect(blocked.status).toBe(429);
  const other = await fetch(`${stack.localAppUrl}/api/v1/runners/heartbeat`, {
    method: 'POST',
    headers: { authorization: 'Bearer rnt_not-a-real-token', 'x-forwarded-for': '203.0.113.67', 'content-type': 'application/json' },
    body: '{}',
  });
  expect(other.status).toBe(401);

  // Sign-in: Better Auth's limit, counted in PostgreSQL per address.
  const signIn = (clientAddress: string) => viaProxy('/api/auth/sign-in/email', { clientAddress, body: { email: owner.email, password: 'wrong-password' } });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await signIn('203.0.113.70')).status);
  expect(statuses).toContain(429);
  expect((await signIn('203.0.113.71')).status).toBe(401);
  const counters = await query<{ key: string }>('SELECT key FROM auth.rate_limit');
  expect(counters.some((c) => c.key.includes('203.0.113.70'))).toBe(true);
});

async function signedInPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/sign-in/);
  return page;
}

function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test('the owner and an invited person edit one board live over https, with Secure cookies and the CSP in force', async () => {
  const ownerContext = await browser.newContext({ baseURL: publicUrl, ignoreHTTPSErrors: true });
  const inviteeContext = await browser.newContext({ baseURL: publicUrl, ignoreHTTPSErrors: true });
  try {
    const ownerPage = await signedInPage(ownerContext);
    const ownerViolations = watchCspViolations(ownerPage);
    const response = await ownerPage.goto('/');
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(headers['strict-transport-security']).toMatch(/max-age=/);
    const cookies = await ownerContext.cookies();
    const session = cookies.find((c) => c.name.endsWith('better-auth.session_token'));
    expect(session?.name).toBe('__Secure-better-auth.session_token');
    expect(session?.secure).toBe(true);

    await createProjectInBrowser(ownerPage, 'Public Board', 'PUB');
    await createTicketInBrowser(ownerPage, 'Shipped over TLS');
    const boardUrl = new URL(ownerPage.url());

    const orgPath = boardUrl.pathname.split('/')[1];
    await ownerPage.goto(`/${orgPath}/settings/members`);
    const inviteeEmail = `ines.${Date.now()}@example.test`;
    await ownerPage.getByPlaceholder('name@example.com').fill(inviteeEmail);
    await ownerPage.getByRole('button', { name: /Invite/ }).click();
    const link = new URL(await ownerPage.getByTestId('invite-link').first().inputValue());
    expect(link.origin).toBe(publicUrl);

    const invitee = await inviteeContext.newPage();
    const inviteeViolations = watchCspViolations(invitee);
    await invitee.goto(`/sign-up?next=${encodeURIComponent(link.pathname)}`);
    await invitee.getByLabel('Name').fill('Ines Invitee');
    await invitee.getByLabel('Email').fill(inviteeEmail);
    await invitee.getByLabel('Password').fill('a-long-invitee-password');
    await invitee.getByRole('button', { name: 'Sign up' }).click();
    await invitee.getByTestId('accept-invitation').click();
    await expect(invitee).not.toHaveURL(/\/invite\//);
    // Invited people join the inviting organization and get none of their own.
    const memberships = await query<{ role: string }>('SELECT m.role FROM member m JOIN "user" u ON u.id = m.user_id WHERE u.email = $1', [inviteeEmail]);
    expect(memberships).toHaveLength(1);

    await ownerPage.goto(boardUrl.pathname);
    await invitee.goto(boardUrl.pathname);
    await expect(column(invitee, 'Backlog').getByTestId('ticket-card').filter({ hasText: 'Shipped over TLS' })).toBeVisible();
    await dragCard(ownerPage, 'Shipped over TLS', 'Todo');
    await expect(column(invitee, 'Todo').getByTestId('ticket-card').filter({ hasText: 'Shipped over TLS' })).toBeVisible();

    expect(ownerViolations).toEqual([]);
    expect(inviteeViolations).toEqual([]);
  } finally {
    await ownerContext.close();
    await inviteeContext.close();
  }
});
