// The model proxy's added time to first token: the same streaming Messages request sent from
// the host to the scripted model directly and through the supervisor's model proxy (key mode:
// token check, the admit hook, the real key put in, the answer streamed back while its usage
// is read), one after the other in alternating order. "First token" is the first byte of the
// answer's body (the SSE message_start), as the CLI would read it.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createModelProxy } from '../supervisor/model-proxy/model-proxy.ts';
import { startModelServer } from '../test-kit/model-server/server.ts';
import { collectSamples, describeRun, percentile } from './samples.ts';
import type { SupervisorBenchSection } from './supervisor-section.ts';

const SAMPLES = 300;
const WARMUP = 30;
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a');

/** A CLI-like streaming request: a system prompt, one user message, a few tools. */
const requestBody = JSON.stringify({
  model: 'claude-sonnet-4-6',
  max_tokens: 32_000,
  stream: true,
  system: [{ type: 'text', text: `You are Claude Code. ${'Follow the project conventions. '.repeat(200)}` }],
  tools: ['Read', 'Edit', 'Write', 'Bash', 'Grep', 'Glob'].map((name) => ({ name, description: `The ${name} tool.`, input_schema: { type: 'object' } })),
  messages: [{ role: 'user', content: [{ type: 'text', text: '[scenario:echo] Say hello from the bench.' }] }],
});

/** Milliseconds from sending the request to the first byte of its body; the rest is read to the end. */
function timeToFirstByte(url: string, apiKey: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first = Number.NaN;
    const req = http.request(
      `${url}/v1/messages`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-length': Buffer.byteLength(requestBody) } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`${url} answered ${res.statusCode}`));
        }
        res.once('data', () => (first = performance.now() - started));
        res.on('data', () => undefined);
        res.on('end', () => resolve(first));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(requestBody);
  });
}

export const modelProxySection: SupervisorBenchSection = {
  title: `Model proxy: time to first token, ${SAMPLES} streaming requests each way (direct to the scripted model, and through the proxy)`,
  figures: [{ figure: 'Model proxy: added time to first token, p50 / p95', target: '≤ 10 ms p95' }],

  async run(ctx) {
    const apiKey = `sk-ant-api03-${randomBytes(24).toString('base64url')}`;
    const model = await startModelServer({ apiKey });
    ctx.teardown.add('the scripted model', () => model.stop());
    const proxy = createModelProxy();
    await proxy.listen({ port: 0 });
    ctx.teardown.add('the model proxy', () => proxy.close());
    let metered = 0;
    const { token } = proxy.grant({ apiKey, upstream: model.url, admit: () => null, onUsage: () => metered++ });
    // Keep-alive on both paths, as the CLI keeps its connection.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    ctx.teardown.add('the bench HTTP agent', async () => agent.destroy());

    const direct: number[] = [];
    const proxied: number[] = [];
    const run = await collectSamples({ warmup: WARMUP, count: SAMPLES, timeLimitMs: 120_000, signal: ctx.signal }, async (i) => {
      const viaProxy = () => timeToFirstByte(proxy.url, token, agent);
      const straight = () => timeToFirstByte(model.url, apiKey, agent);
      let a: number;
      let b: number;
      if (i % 2 === 0) {
        a = await straight();
        b = await viaProxy();
      } else {
        b = await viaProxy();
        a = await straight();
      }
      if (i >= WARMUP) {
        direct.push(a);
        proxied.push(b);
      }
      return b - a;
    });

    const [d50, d95, p50, p95] = [percentile(direct, 50), percentile(direct, 95), percentile(proxied, 50), percentile(proxied, 95)];
    const added95 = p95 - d95;
    return {
      rows: [{ figure: 'Model proxy: added time to first token, p50 / p95', measured: `${ms(p50 - d50)} / ${ms(added95)}`, target: '≤ 10 ms p95', met: added95 <= 10 }],
      details: [
        `direct to the scripted model: p50 ${ms(d50)}, p95 ${ms(d95)}; through the proxy: p50 ${ms(p50)}, p95 ${ms(p95)}`,
        `paired difference (proxy − direct, same iteration): p50 ${ms(percentile(run.samples, 50))}, p95 ${ms(percentile(run.samples, 95))}; ${describeRun(run)}`,
        `the proxy metered ${metered} responses (warm-up included); both from this process over loopback, one keep-alive connection each way`,
      ],
    };
  },
};
