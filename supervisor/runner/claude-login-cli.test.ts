import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOf, runClaude } from '../../test-kit/model-server/claude-cli.ts';
import { text, toolUse } from '../../test-kit/model-server/scenario.ts';
import { startModelServer, type ModelServer } from '../../test-kit/model-server/server.ts';
import { createModelProxy, proxyTokenHeader, type ModelProxy, type ResponseUsage } from '../model-proxy/model-proxy.ts';
import { JobClaudeLogin } from './claude-login.ts';
import { JobSecrets } from './job-secrets.ts';

// Local mode with the real Claude Code CLI (outside Docker; test/local-claude.pg.test.ts runs
// it in containers through the platform): a copy of the login in the agent's HOME, no key, the
// stage's proxy token in ANTHROPIC_CUSTOM_HEADERS; the scripted model takes only the login's
// bearer. The agent rewrites the login as a refresh does and the CLI goes on with the new token.
const hour = 3_600_000;
const first = { accessToken: 'sk-ant-oat01-cli-first-access-0123456789', refreshToken: 'sk-ant-ort01-cli-first-refresh-0123456789', expiresAt: Date.now() + hour };
const refreshed = { accessToken: 'sk-ant-oat01-cli-refreshed-access-0123456789', refreshToken: 'sk-ant-ort01-cli-refreshed-refresh-0123456789', expiresAt: Date.now() + 8 * hour };
const loginFile = (login: typeof first) => JSON.stringify({ claudeAiOauth: { ...login, scopes: ['user:inference'], subscriptionType: 'max' } });
const encodedRefresh = [...Buffer.from(loginFile(refreshed)).toString('base64')].reverse().join('');

let model: ModelServer;
let proxy: ModelProxy;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-login-cli-'));
  model = await startModelServer({
    accessTokens: [first.accessToken, refreshed.accessToken],
    scenarios: {
      'refresh-login': {
        description: 'Rewrites the login as a refresh does, writes hello.js, ends.',
        turns: [
          {
            content: [
              toolUse('Bash', {
                command: `node -e 'require("fs").writeFileSync(process.env.HOME + "/.claude/.credentials.json", Buffer.from([...process.argv[1]].reverse().join(""), "base64"))' ${encodedRefresh}`,
                description: 'Refresh the login',
              }),
            ],
            usage: { input: 500, output: 20 },
          },
          (request) => ({ content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: 'console.log(1);\n' })], usage: { input: 90, output: 15 } }),
          { content: [text('Done.')], usage: { input: 60, output: 5 } },
        ],
      },
    },
  });
  proxy = createModelProxy();
  await proxy.listen({ port: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await model?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the CLI on a Claude login through the model proxy', () => {
  it('works with no key, is metered per response, and its refreshed login goes back to the host', async () => {
    const hostFile = path.join(dir, 'host', '.credentials.json');
    fs.mkdirSync(path.dirname(hostFile), { recursive: true });
    fs.writeFileSync(hostFile, loginFile(first), { mode: 0o600 });
    const home = path.join(dir, 'job', 'home');
    const cwd = path.join(dir, 'job', 'workspace');
    fs.mkdirSync(cwd, { recursive: true });
    const secrets = new JobSecrets({ values: [] });
    const login = new JobClaudeLogin(hostFile, home, secrets);
    await login.give();

    const usages: ResponseUsage[] = [];
    const { token, revoke } = proxy.grant({
      upstream: model.url,
      passAuthorization: { onToken: (bearer, accepted) => void login.sawToken(bearer, accepted) },
      onUsage: (usage) => usages.push(usage),
    });
    const run = await runClaude({
      baseUrl: proxy.url,
      cwd,
      home,
      prompt: '[scenario:refresh-login] Add hello.js.',
      args: ['--tools', 'Bash,Write', '--allowedTools', 'Bash,Write'],
      // No key at all: the CLI sends the login as its bearer.
      env: { ANTHROPIC_API_KEY: '', ANTHROPIC_CUSTOM_HEADERS: `${proxyTokenHeader}: ${token}` },
    });
    revoke();
    expect(resultOf(run)).toMatchObject({ is_error: false, result: 'Done.' });
    expect(run.events.find((event) => event.type === 'system')).toMatchObject({ apiKeySource: 'none' });
    expect(fs.readFileSync(path.join(cwd, 'hello.js'), 'utf8')).toBe('console.log(1);\n');

    expect(model.requests().filter((r) => r.path === '/v1/messages').map((r) => [r.status, r.accessToken])).toEqual([
      [200, 0],
      [200, 1],
      [200, 1],
    ]);
    await expect.poll(() => usages.map((usage) => usage.inputTokens)).toEqual([500, 90, 60]);

    expect(await login.takeBack()).toBe('written');
    expect(JSON.parse(fs.readFileSync(hostFile, 'utf8')).claudeAiOauth).toMatchObject(refreshed);
    const tokens = [first.accessToken, first.refreshToken, refreshed.accessToken, refreshed.refreshToken];
    expect(secrets.mask(tokens.join(' '))).toBe('•••• •••• •••• ••••');
  }, 60_000);
});
