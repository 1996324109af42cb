import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobClaudeLogin, readClaudeLogin } from './claude-login.ts';
import { JobSecrets } from './job-secrets.ts';

// Local mode's login file: each job's copy, and the rule for writing a refreshed one back.
let dir: string;
let hostFile: string;
let home: string;
const hour = 3_600_000;

function loginText(accessToken: string, refreshToken: string, expiresAt: number): string {
  return JSON.stringify({ claudeAiOauth: { accessToken, refreshToken, expiresAt, scopes: ['user:inference'], subscriptionType: 'max' } });
}

const first = { access: 'sk-ant-oat01-first-access-token', refresh: 'sk-ant-ort01-first-refresh-token', expiresAt: Date.now() + hour };
const refreshed = { access: 'sk-ant-oat01-refreshed-access-token', refresh: 'sk-ant-ort01-refreshed-refresh-token', expiresAt: Date.now() + 8 * hour };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-login-'));
  hostFile = path.join(dir, 'host', '.credentials.json');
  home = path.join(dir, 'job', 'home');
  fs.mkdirSync(path.dirname(hostFile), { recursive: true });
  fs.writeFileSync(hostFile, loginText(first.access, first.refresh, first.expiresAt), { mode: 0o600 });
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function jobLogin() {
  const secrets = new JobSecrets({ values: [] });
  return { login: new JobClaudeLogin(hostFile, home, secrets), secrets };
}

/** What the CLI does when it refreshes the login: the file in its HOME, rewritten. */
function refreshInJob(login: JobClaudeLogin, values = refreshed) {
  fs.writeFileSync(login.jobFile, loginText(values.access, values.refresh, values.expiresAt));
}

describe('a job’s Claude login', () => {
  it('is a copy of the host’s in the job’s HOME, for the runner user only, and its tokens are masked', async () => {
    const { login, secrets } = jobLogin();
    await login.give();
    expect(login.jobFile).toBe(path.join(home, '.claude', '.credentials.json'));
    expect(fs.readFileSync(login.jobFile, 'utf8')).toBe(fs.readFileSync(hostFile, 'utf8'));
    expect(fs.statSync(login.jobFile).mode & 0o077).toBe(0);
    expect(secrets.mask(`token ${first.access} and ${first.refresh}`)).toBe('token •••• and ••••');
    expect(secrets.find(`x=${Buffer.from(first.refresh).toString('base64')}`)).toEqual([{ name: 'the Claude login’s refresh token', kind: 'base64' }]);
  });

  it('goes back to the host when the CLI refreshed it and the model API took the new token', async () => {
    const { login, secrets } = jobLogin();
    await login.give();
    refreshInJob(login);
    // The proxy saw the new bearer accepted: from then on it and the new refresh token are masked.
    await login.sawToken(refreshed.access, true);
    expect(secrets.mask(`${refreshed.access} ${refreshed.refresh}`)).toBe('•••• ••••');
    expect(await login.takeBack()).toBe('written');
    expect(JSON.parse(fs.readFileSync(hostFile, 'utf8')).claudeAiOauth).toMatchObject({ accessToken: refreshed.access, refreshToken: refreshed.refresh, expiresAt: refreshed.expiresAt });
    expect(fs.statSync(hostFile).mode & 0o077).toBe(0);
    // Nothing changed since: nothing to write.
    expect(await login.takeBack()).toBe('unchanged');
  });

  it('stays where it is when nothing was refreshed, when the new token never worked, or when the host has a newer one', async () => {
    const { login } = jobLogin();
    await login.give();
    const before = fs.readFileSync(hostFile, 'utf8');
    expect(await login.takeBack()).toBe('unchanged');

    // A login an agent wrote itself: the model API never took its token (or refused it).
    refreshInJob(login);
    await login.sawToken(refreshed.access, false);
    expect(await login.takeBack()).toBe('not-used');
    expect(fs.readFileSync(hostFile, 'utf8')).toBe(before);

    // Another job wrote back a login that expires later still: this one's is older.
    const newest = { access: 'sk-ant-oat01-newest-access-token', refresh: 'sk-ant-ort01-newest-refresh-token', expiresAt: refreshed.expiresAt + hour };
    fs.writeFileSync(hostFile, loginText(newest.access, newest.refresh, newest.expiresAt));
    await login.sawToken(refreshed.access, true);
    expect(await login.takeBack()).toBe('unchanged');
    expect(JSON.parse(fs.readFileSync(hostFile, 'utf8')).claudeAiOauth.accessToken).toBe(newest.access);
    // The next stage of this job gets the host's newer login.
    await login.give();
    expect(JSON.parse(fs.readFileSync(login.jobFile, 'utf8')).claudeAiOauth.accessToken).toBe(newest.access);
  });

  it('keeps its own copy when it is newer than the host’s (a stage refreshed it and the next one starts)', async () => {
    const { login } = jobLogin();
    await login.give();
    refreshInJob(login);
    await login.give();
    expect(JSON.parse(fs.readFileSync(login.jobFile, 'utf8')).claudeAiOauth.accessToken).toBe(refreshed.access);
  });

  it('says what to do when the host has no login, or the file is not one', async () => {
    await expect(readClaudeLogin(path.join(dir, 'missing.json'))).rejects.toThrow(/Local mode needs a Claude login at .*missing\.json \(SPEDY_CLAUDE_CREDENTIALS\).*Run `claude` and log in/);
    fs.writeFileSync(hostFile, '{"claudeAiOauth":{}}');
    const { login } = jobLogin();
    await expect(login.give()).rejects.toThrow(/is not a Claude login: it has no claudeAiOauth.accessToken/);
  });
});
