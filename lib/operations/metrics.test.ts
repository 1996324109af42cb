import { describe, expect, it } from 'vitest';
import { spedyMetrics } from './metrics.ts';

describe('the process metrics', () => {
  it('include the Node.js process metrics once, however often the metrics are asked for', async () => {
    const first = spedyMetrics();
    const again = spedyMetrics();
    expect(again.registry).toBe(first.registry);
    const text = await again.registry.metrics();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1);
    }
    expect(text).toContain('# TYPE spedy_http_requests_total counter');
  });
});
