import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobSecrets } from '../runner/job-secrets.ts';
import { startBoardToolsServer } from './board-tools-server.ts';
import type { BoardApi } from './tools.ts';

const jobsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-tools-'));
afterAll(() => fs.rmSync(jobsDir, { recursive: true, force: true }));

describe('the board tools endpoint', () => {
  it('masks what the agent writes to the board with the job’s secret set, in any form', async () => {
    const comments: string[] = [];
    const subtickets: string[] = [];
    const api = {
      addComment: async (_jobId: string, body: string) => {
        comments.push(body);
        return { comment: { id: 'c1', ticketId: 't1' } };
      },
      createSubticket: async (_jobId: string, input: { title: string; description?: string }) => {
        subtickets.push(`${input.title}\n${input.description ?? ''}`);
        return { ticket: { displayId: 'SPD-2', title: input.title, type: 'task', status: 'Todo' } };
      },
    } as unknown as BoardApi;
    const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
    const server = await startBoardToolsServer({ api, jobsDir, log: quiet });
    try {
      const secret = 'svc_board-leak-0123456789';
      const secrets = new JobSecrets({ values: [{ name: 'SERVICE_TOKEN', value: secret }] });
      server.openJob('job_1', secrets.mask);
      const { env } = server.mcpConfig('job_1').server;
      const call = (tool: string, body: unknown) =>
        fetch(`${server.url}/tools/${tool}`, { method: 'POST', headers: { authorization: `Bearer ${env!.SPEDY_TOOLS_SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

      expect((await call('add_comment', { body: `The token is ${secret}, base64 ${Buffer.from(secret).toString('base64')}` })).status).toBe(200);
      expect((await call('create_subticket', { title: `Rotate ${secret}`, description: encodeURIComponent(secret) })).status).toBe(200);

      expect(comments).toEqual([expect.stringMatching(/^The token is ••••, base64 ••••/)]);
      expect(subtickets.join('\n')).not.toContain(secret);
      expect(subtickets).toEqual(['Rotate ••••\n••••']);
    } finally {
      await server.close();
    }
  });
  it('tells the agent when its new subticket is part of an epic run, from the platform’s answer', async () => {
    const notice = 'Part of the epic run of SPD-1: no job starts for it now; it joins the run when someone continues the run (Continue in the Epic Run Panel).';
    const api = {
      createSubticket: async (_jobId: string, input: { title: string }) => ({ ticket: { displayId: 'SPD-3', title: input.title, type: 'task', status: 'Todo' }, epicRunNotice: notice }),
    } as unknown as BoardApi;
    const server = await startBoardToolsServer({ api, jobsDir, log: { info: () => undefined, warn: () => undefined, debug: () => undefined } });
    try {
      server.openJob('job_2', (text) => text);
      const { env } = server.mcpConfig('job_2').server;
      const res = await fetch(`${server.url}/tools/create_subticket`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env!.SPEDY_TOOLS_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Send the invoice' }),
      });
      expect(await res.json()).toEqual({ text: `Created SPD-3 (task, Todo): Send the invoice\n${notice}`, isError: false });
    } finally {
      await server.close();
    }
  });
});
