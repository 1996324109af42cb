import { describe, expect, it } from 'vitest';
import { routeLabel } from './route-label.ts';

describe('routeLabel', () => {
  it('folds job, organization and project ids into one label per route', () => {
    expect(routeLabel('/api/v1/runners/jobs/Xk3v9QpL2mN8rT5wY7zA1/events', 200)).toBe('/api/v1/runners/jobs/:id/events');
    expect(routeLabel('/api/v1/runners/jobs/claim', 200)).toBe('/api/v1/runners/jobs/claim');
    expect(routeLabel('/api/orgs/abc/projects/def/repositories', 200)).toBe('/api/orgs/:id/projects/:id/repositories');
    expect(routeLabel('/acme/projects/WEB/board', 200)).toBe('/:org/projects/:id/board');
    expect(routeLabel('/acme/tickets/WEB-12', 200)).toBe('/:org/tickets/:id');
  });

  it('keeps fixed routes and groups Next assets and unmatched paths', () => {
    expect(routeLabel('/api/health', 200)).toBe('/api/health');
    expect(routeLabel('/', 200)).toBe('/');
    expect(routeLabel('/_next/static/chunks/app-1234.js', 200)).toBe('/_next');
    expect(routeLabel('/wp-admin/setup.php', 404)).toBe('unmatched');
  });
});
