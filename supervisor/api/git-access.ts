// The job git access resource: fresh credentials for the hosts of a job's repositories (a
// GitHub App's installation token lasts an hour, so the runner asks before each clone and
// push) and the repositories it cannot deliver to. Kept in memory only.
import { jobGitAccessResponse, type JobGitAccess } from '@spedy/protocol/wire';
import type { PlatformHttp } from './http.ts';

export function fetchJobGitAccess(http: PlatformHttp, runnerId: string, jobId: string, signal?: AbortSignal): Promise<JobGitAccess> {
  return http.request('GET', `runners/jobs/${encodeURIComponent(jobId)}/git-access`, { query: { runnerId }, response: jobGitAccessResponse, signal });
}
