import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editAndTestUsage } from '../../test-kit/model-server/scenarios.ts';
import { startModelServer, type ModelServer } from '../../test-kit/model-server/server.ts';
import { createModelProxy, proxyTokenHeader, type ModelProxy, type ResponseUsage } from './model-proxy.ts';

// The proxy between an agent and the model API, against the test kit's scripted model,
// which here insists on the real key.
const realKey = 'sk-ant-api03-the-real-key-0123456789';
let model: ModelServer;
let proxy: ModelProxy;

beforeAll(async () => {
  model = await startModelServer({ apiKey: realKey });
  proxy = createModelProxy();
  await proxy.listen({ port: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await model?.stop();
});

const request = (stream: boolean) => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 1000,
  stream,
  messages: [{ role: 'user', content: '[scenario:edit-and-test] Add a greeting.' }],
});

function post(base: string, key: string, body: unknown): Promise<Response> {
  return fetch(`${base}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
}

describe('the model proxy', () => {
  it('swaps its token for the key, streams the answer through unchanged and reads its usage', async () => {
    const usages: ResponseUsage[] = [];
    const { token } = proxy.grant({ apiKey: realKey, upstream: model.url, onUsage: (usage) => usages.push(usage) });

    const proxied = await post(proxy.url, token, request(true));
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('content-type')).toContain('text/event-stream');
    const text = await proxied.text();
    expect(text).toMatch(/^event: message_start\n/);
    expect(text).toContain('event: message_stop');

    await expect.poll(() => usages.length).toBe(1);
    expect(usages[0]).toEqual({
      model: 'claude-sonnet-4-6',
      inputTokens: editAndTestUsage[0]!.input,
      outputTokens: editAndTestUsage[0]!.output,
      cacheReadTokens: editAndTestUsage[0]!.cacheRead,
      cacheWriteTokens: editAndTestUsage[0]!.cacheWrite,
      partial: false,
    });

    // A plain JSON answer is counted too.
    const json = await post(proxy.url, token, request(false));
    expect(((await json.json()) as { usage: { input_tokens: number } }).usage.input_tokens).toBe(editAndTestUsage[0]!.input);
    await expect.poll(() => usages.length).toBe(2);
  });

  it('refuses a wrong or withdrawn token without asking the model, and the token alone opens nothing upstream', async () => {
    const { token, revoke } = proxy.grant({ apiKey: realKey, upstream: model.url });
    model.reset();
    expect((await post(proxy.url, 'spx_guessed', request(false))).status).toBe(401);
    revoke();
    expect((await post(proxy.url, token, request(false))).status).toBe(401);
    expect(model.requests()).toEqual([]);
    // What the container holds is useless against the model API itself.
    expect((await post(model.url, token, request(false))).status).toBe(401);
  });

  it('answers a request its grant refuses with the refusal, and forwards nothing', async () => {
    const { token } = proxy.grant({ apiKey: realKey, upstream: model.url, admit: () => ({ status: 400, type: 'invalid_request_error', message: 'The job reached its budget.' }) });
    model.reset();
    const refused = await post(proxy.url, token, request(true));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'The job reached its budget.' } });
    expect(model.requests()).toEqual([]);
  });

  it('in local mode passes the person’s login on, meters it, and says which bearer tokens the API took', async () => {
    const login = 'sk-ant-oat01-the-persons-login-0123456789';
    const oauth = await startModelServer({ accessTokens: [login] });
    try {
      const usages: ResponseUsage[] = [];
      const tokens: [string, boolean][] = [];
      const { token } = proxy.grant({
        upstream: oauth.url,
        passAuthorization: { onToken: (bearer, accepted) => tokens.push([bearer, accepted]) },
        onUsage: (usage) => usages.push(usage),
      });
      // As the CLI sends it with a login: a bearer and the OAuth beta; the stage's token in its own header.
      const send = (bearer: string) =>
        fetch(`${proxy.url}/v1/messages?beta=true`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'anthropic-beta': 'claude-code-20250219,oauth-2025-04-20', [proxyTokenHeader]: token },
          body: JSON.stringify(request(false)),
        });
      expect((await send(login)).status).toBe(200);
      await expect.poll(() => usages.length).toBe(1);
      expect(usages[0]!.inputTokens).toBe(editAndTestUsage[0]!.input);
      expect((await send('sk-ant-oat01-someone-elses-0123456789')).status).toBe(401);
      expect(tokens).toEqual([
        [login, true],
        ['sk-ant-oat01-someone-elses-0123456789', false],
      ]);
      // The login alone (no stage token) opens nothing; the stage token never goes upstream.
      const without = await fetch(`${proxy.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${login}`, 'anthropic-beta': 'oauth-2025-04-20' },
        body: JSON.stringify(request(false)),
      });
      expect(without.status).toBe(401);
      expect(oauth.requests().filter((r) => r.path === '/v1/messages').map((r) => [r.status, r.accessToken])).toEqual([[200, 0], [401, undefined]]);
    } finally {
      await oauth.stop();
    }
  });

  it('in key mode drops a bearer the agent sent and puts the key in', async () => {
    const { token } = proxy.grant({ apiKey: realKey, upstream: model.url });
    const answer = await fetch(`${proxy.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-oat01-not-the-key-0123456789', [proxyTokenHeader]: token },
      body: JSON.stringify(request(false)),
    });
    expect(answer.status).toBe(200);
  });
});
