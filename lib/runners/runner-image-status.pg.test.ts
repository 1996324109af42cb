// The runner image's preparation as runners report it: registration and heartbeats carry it
// (optional, for older supervisors), runner.image_status keeps the last word for Settings →
// Runners, and a report the protocol does not allow changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nanoid } from 'nanoid';
import { sql } from '../../test/support/db.ts';
import { newRunnerOrg, runnerApi, type RunnerApi, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';

let org: RunnerOrg;
let api: RunnerApi;

beforeAll(async () => {
  org = await newRunnerOrg('Image Status Owner');
  api = runnerApi(testStack().appUrl, org.token);
});

afterAll(async () => {
  await org?.closeDb();
});

const imageStatus = async (runnerId: string) => (await sql(testStack().databaseUrl, 'SELECT image_status FROM runner WHERE id = $1', [runnerId]))[0]?.image_status;
const registration = (name: string, image?: unknown) => ({ name, version: '1.0.0', capabilities: ['claude_code'], labels: [], poolSize: 2, ...(image ? { image } : {}) });

describe('runner image status', () => {
  it('is stored from registration and each heartbeat that carries it; one without it keeps the last word', async () => {
    const name = `image-${nanoid(6)}`;
    const preparing = { state: 'preparing', startedAt: Date.now() };
    const registered = await api.post('register', registration(name, preparing));
    expect(registered.status).toBe(200);
    const runnerId = registered.body.runnerId as string;
    expect(await imageStatus(runnerId)).toEqual(preparing);

    const failed = { ...preparing, state: 'failed', endedAt: preparing.startedAt + 5_000, reason: 'debootstrap is not installed.' };
    expect((await api.post('heartbeat', { runnerId, activeJobIds: [], image: failed })).status).toBe(200);
    expect(await imageStatus(runnerId)).toEqual(failed);
    expect((await api.post('heartbeat', { runnerId, activeJobIds: [] })).status).toBe(200);
    expect(await imageStatus(runnerId)).toEqual(failed);

    // A restarted supervisor that does not report it (an older version) clears the old word.
    expect((await api.post('register', registration(name))).status).toBe(200);
    expect(await imageStatus(runnerId)).toBeNull();
  });

  it('refuses a status the protocol does not allow, and changes nothing', async () => {
    const name = `image-${nanoid(6)}`;
    const ready = { state: 'ready', startedAt: 1, endedAt: 2 };
    const runnerId = (await api.post('register', registration(name, ready))).body.runnerId as string;
    const refused = await api.post('heartbeat', { runnerId, activeJobIds: [], image: { state: 'building', startedAt: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/image\.state/);
    expect(await imageStatus(runnerId)).toEqual(ready);
  });
});
