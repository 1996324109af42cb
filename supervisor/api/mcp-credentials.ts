// The job MCP credentials resource: the stored credentials of the MCP servers a job's stages
// use, decrypted for this runner while it holds the job (kept in memory only).
import { jobMcpCredentialsResponse, type McpServerCredentials } from '@spedy/protocol/wire';
import type { PlatformHttp } from './http.ts';

export async function fetchJobMcpCredentials(http: PlatformHttp, runnerId: string, jobId: string, signal?: AbortSignal): Promise<McpServerCredentials[]> {
  const { servers } = await http.request('GET', `runners/jobs/${encodeURIComponent(jobId)}/mcp-credentials`, { query: { runnerId }, response: jobMcpCredentialsResponse, signal });
  return servers;
}
