import { describe, expect, it } from 'vitest';
import { decideMetricsAccess } from './metrics-access.ts';

const local = { publicUrl: 'http://localhost:3000', token: undefined };
const remote = { publicUrl: 'https://spedy.example.com', token: 's3cret-token' };

describe('decideMetricsAccess', () => {
  it('opens a localhost install to loopback clients only', () => {
    expect(decideMetricsAccess(local, { clientAddress: '127.0.0.1', authorization: undefined })).toEqual({ allowed: true });
    expect(decideMetricsAccess(local, { clientAddress: '::1', authorization: undefined })).toEqual({ allowed: true });
    expect(decideMetricsAccess(local, { clientAddress: '192.168.1.20', authorization: undefined })).toMatchObject({ allowed: false, status: 403 });
  });

  it('needs the token on a public URL, even from loopback', () => {
    expect(decideMetricsAccess(remote, { clientAddress: '127.0.0.1', authorization: undefined })).toMatchObject({ allowed: false, status: 401 });
    expect(decideMetricsAccess(remote, { clientAddress: '127.0.0.1', authorization: 'Bearer wrong' })).toMatchObject({ allowed: false, status: 403 });
    expect(decideMetricsAccess(remote, { clientAddress: '10.0.0.5', authorization: 'Bearer s3cret-token' })).toEqual({ allowed: true });
  });

  it('is off on a public URL without a token, naming the setting', () => {
    const answer = decideMetricsAccess({ ...remote, token: undefined }, { clientAddress: '127.0.0.1', authorization: 'Bearer anything' });
    expect(answer).toMatchObject({ allowed: false, status: 404 });
    expect(answer.allowed === false && answer.message).toContain('SPEDY_METRICS_TOKEN');
  });
});
