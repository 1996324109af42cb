// The board resource: what the agent's board tools read and write, for a job this runner holds.
import {
  boardCommentResponse,
  boardStatusResponse,
  boardSubticketResponse,
  boardTicketResponse,
  type BoardTicket,
} from '@spedy/protocol/wire';
import type { PlatformHttp } from './http.ts';

const base = (jobId: string) => `runners/jobs/${encodeURIComponent(jobId)}/board`;

export async function getBoardTicket(http: PlatformHttp, runnerId: string, jobId: string, displayId?: string): Promise<BoardTicket> {
  const { ticket } = await http.request('GET', `${base(jobId)}/ticket`, { query: { runnerId, displayId }, response: boardTicketResponse });
  return ticket;
}

export function addBoardComment(http: PlatformHttp, runnerId: string, jobId: string, body: string) {
  return http.request('POST', `${base(jobId)}/comments`, { body: { runnerId, body }, response: boardCommentResponse });
}

export function setBoardStatus(http: PlatformHttp, runnerId: string, jobId: string, status: string) {
  return http.request('POST', `${base(jobId)}/status`, { body: { runnerId, status }, response: boardStatusResponse });
}

export function createBoardSubticket(
  http: PlatformHttp,
  runnerId: string,
  jobId: string,
  input: { title: string; description?: string; type?: 'story' | 'task' | 'bug' },
) {
  return http.request('POST', `${base(jobId)}/subtickets`, { body: { runnerId, ...input }, response: boardSubticketResponse });
}
