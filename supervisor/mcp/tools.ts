// The agent's board tools: their names, descriptions and argument schemas (what the MCP
// script lists), and how each call turns into a platform request and a text answer.
import { z } from 'zod';
import type { BoardTicket } from '@spedy/protocol/wire';
import type { KnowledgeEntryWire } from '@spedy/protocol/knowledge-wire';
import { renderKnowledgeEntries } from '../agent/knowledge-text.ts';

/** The MCP server's key in --mcp-config; the CLI names its tools mcp__spedy__<tool>. */
export const boardToolsServerName = 'spedy';

/** The platform calls a tool needs, for one job (api/board.ts with the runner's id). */
export type BoardApi = {
  getTicket(jobId: string, displayId?: string): Promise<BoardTicket>;
  addComment(jobId: string, body: string): Promise<{ comment: { id: string; ticketId: string } }>;
  setStatus(jobId: string, status: string): Promise<{ ticketId: string; status: string }>;
  createSubticket(jobId: string, input: { title: string; description?: string; type?: 'story' | 'task' | 'bug' }): Promise<{ ticket: { displayId: string; title: string; type: string; status: string }; epicRunNotice?: string }>;
  /** Entries for a stage's context before it starts (api/knowledge.ts). */
  preloadKnowledge(jobId: string, input: { stageId: string; plan: string }): Promise<KnowledgeEntryWire[]>;
  recallKnowledge(jobId: string, input: { query: string; path?: string }): Promise<KnowledgeEntryWire[]>;
};

export type ToolContext = {
  jobId: string;
  api: BoardApi;
  /** ask_user: the question is kept for the runner, which ends the stage and waits for the answer. */
  ask(question: string): void;
};

type ToolDefinition<A extends z.ZodType> = {
  name: string;
  description: string;
  args: A;
  run(args: z.infer<A>, ctx: ToolContext): Promise<string>;
};

const tool = <A extends z.ZodType>(definition: ToolDefinition<A>) => definition;

export const boardTools = [
  tool({
    name: 'get_ticket',
    description:
      "Read the ticket this job works on: title, type, status, description, the project's status names, parent, subtickets and every comment. " +
      'Pass display_id (e.g. SPD-12) to read another ticket of the same organization.',
    args: z.object({ display_id: z.string().trim().max(30).optional() }),
    run: async (args, ctx) => renderTicket(await ctx.api.getTicket(ctx.jobId, args.display_id || undefined)),
  }),
  tool({
    name: 'add_comment',
    description: "Post a comment (Markdown) on this job's ticket. Use it to answer questions asked on the ticket and to report results.",
    args: z.object({ body: z.string().trim().min(1, 'Write the comment in body.').max(20_000) }),
    run: async (args, ctx) => {
      await ctx.api.addComment(ctx.jobId, args.body);
      return 'Comment posted on the ticket.';
    },
  }),
  tool({
    name: 'update_status',
    description: "Move this job's ticket to another status column, by its name exactly as get_ticket lists it (e.g. \"In Review\").",
    args: z.object({ status: z.string().trim().min(1, 'Name the status.').max(100) }),
    run: async (args, ctx) => {
      const moved = await ctx.api.setStatus(ctx.jobId, args.status);
      return `The ticket is now in "${moved.status}".`;
    },
  }),
  tool({
    name: 'create_subticket',
    description: "Create a child ticket under this job's ticket (epics hold stories; stories hold tasks and bugs). It starts in the project's first status.",
    args: z.object({
      title: z.string().trim().min(1, 'Give the subticket a title.').max(300),
      description: z.string().max(50_000).optional(),
      type: z.enum(['story', 'task', 'bug']).optional(),
    }),
    run: async (args, ctx) => {
      const { ticket, epicRunNotice } = await ctx.api.createSubticket(ctx.jobId, args);
      const created = `Created ${ticket.displayId} (${ticket.type}, ${ticket.status}): ${ticket.title}`;
      return epicRunNotice ? `${created}\n${epicRunNotice}` : created;
    },
  }),
  tool({
    name: 'knowledge_recall',
    description:
      "Search what reviewers taught on earlier pull requests in this organization (every project): conventions and fixes, each with its file and the reviewer's words. " +
      'Pass what you are about to do or the topic in query, and optionally the file path you are changing.',
    args: z.object({ query: z.string().trim().min(1, 'Say what to look for in query.').max(2000), path: z.string().trim().max(1000).optional() }),
    run: async (args, ctx) => {
      const entries = await ctx.api.recallKnowledge(ctx.jobId, { query: args.query, path: args.path || undefined });
      return entries.length === 0 ? 'No lessons from earlier reviews match this.' : renderKnowledgeEntries(entries);
    },
  }),
  tool({
    name: 'ask_user',
    description:
      'Ask the user a question when you cannot continue without their answer. After calling it, end your turn: the job waits for the answer, which arrives as your next message.',
    args: z.object({ question: z.string().trim().min(1, 'Write the question.').max(4000) }),
    run: async (args, ctx) => {
      ctx.ask(args.question);
      return 'Your question was sent to the user. End your turn now; the answer will arrive as the next message.';
    },
  }),
] as const;

export type BoardToolName = (typeof boardTools)[number]['name'];

/** The names as the agent's --allowedTools needs them. */
export const boardToolsAllowList: string[] = boardTools.map((t) => `mcp__${boardToolsServerName}__${t.name}`);

/** tools/list: JSON Schema from the zod argument schemas. */
export function listBoardTools(): { name: string; description: string; inputSchema: unknown }[] {
  return boardTools.map((t) => ({ name: t.name, description: t.description, inputSchema: z.toJSONSchema(t.args, { io: 'input' }) }));
}

export function renderTicket(t: BoardTicket): string {
  const lines = [
    `# ${t.displayId} ${t.title}`,
    `Type: ${t.type} · Status: ${t.status} · Project: ${t.project.name} (${t.project.key})`,
    `Statuses of this project, in order: ${t.project.statuses.map((s) => `"${s}"`).join(', ')}`,
  ];
  if (t.parent) lines.push(`Parent: ${t.parent.displayId} ${t.parent.title}`);
  if (t.subtickets.length) lines.push(`Subtickets:`, ...t.subtickets.map((s) => `- ${s.displayId} ${s.title} (${s.status})`));
  lines.push('', '## Description', t.description.trim() || '(none)', '', `## Comments (${t.comments.length})`);
  for (const c of t.comments) lines.push('', `### ${c.author} · ${new Date(c.createdAt).toISOString()}`, c.body);
  return lines.join('\n');
}
