// What an MCP server configuration may be: the rules the Settings → MCP Servers dialog
// checks inline and `PUT /api/orgs/[orgId]/mcp-servers` enforces. Pure (no Node APIs).
import { z } from 'zod';

export const mcpTransports = ['stdio', 'sse', 'http'] as const;
export type McpTransport = (typeof mcpTransports)[number];

export const mcpTransportLabels: Record<McpTransport, string> = { stdio: 'STDIO (command)', sse: 'SSE (URL)', http: 'HTTP (URL)' };

/** STDIO servers get credentials as environment variables, SSE/HTTP servers as request headers. */
export const credentialKindOf = (transport: McpTransport) => (transport === 'stdio' ? 'env' : 'headers');

export const maxCredentialValueLength = 8192;

// The name becomes part of tool names (mcp__<name>__<tool>), so it is kept to tool-name characters.
export const mcpServerName = z
  .string()
  .trim()
  .min(1, 'Name the MCP server, e.g. github or sentry.')
  .max(64, 'MCP server names are at most 64 characters.')
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, "-" and "_" only: the name becomes part of tool names such as mcp__sentry__search.');

/** An allowed-tools filter entry: a tool name of the server, `*` as a wildcard. */
export const mcpToolName = z
  .string()
  .trim()
  .min(1)
  .max(100, 'Tool names are at most 100 characters.')
  .regex(/^[A-Za-z0-9_*.-]+$/, 'Tool names are letters, digits, "_", "-", "." and "*" (a wildcard).');

const envName = z
  .string()
  .trim()
  .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'Environment variable names are capital letters, digits and "_", not starting with a digit (e.g. SENTRY_TOKEN).');
const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,100}$/, 'Header names are letters, digits and "-" (e.g. Authorization or X-Api-Key).');

const credentialValue = z
  .string({ message: 'Paste the value as text.' })
  .max(maxCredentialValueLength, `Values are at most ${maxCredentialValueLength.toLocaleString('en')} characters.`)
  .refine((v) => v.trim().length > 0, 'A credential value is empty; paste it, or remove the row.')
  // A line break in a header value would let it start another header.
  .refine((v) => !/[\r\n\0]/.test(v), 'Credential values are one line, without line breaks.');

const credentials = (name: z.ZodType<string>) =>
  z
    .array(z.object({ name, value: credentialValue }))
    .max(20, 'At most 20 credentials per server.')
    .refine((list) => new Set(list.map((c) => c.name)).size === list.length, 'Each credential name may appear once.');

const common = {
  /** Absent: create. */
  id: z.string().trim().min(1).max(100).optional(),
  name: mcpServerName,
  /** null: the whole organization; else only this project. */
  projectID: z.string().trim().min(1).max(100).nullable(),
  allowedTools: z.array(mcpToolName).max(100, 'At most 100 tools in the filter.'),
};

const url = z
  .string()
  .trim()
  .max(2000, 'The URL is at most 2,000 characters.')
  .url('Enter the server URL, e.g. https://mcp.example.com/sse.')
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'The URL must start with https:// (or http:// for a server on your network).')
  .refine((u) => !new URL(u).username && !new URL(u).password, 'Leave credentials out of the URL; add them as headers below.');

/**
 * The body of `PUT /api/orgs/[orgId]/mcp-servers`: creates a server, or updates it when `id`
 * is given. `credentials` absent keeps the stored ones; a list (even empty) replaces them.
 */
export const mcpServerInput = z.discriminatedUnion(
  'transport',
  [
    z.object({
      ...common,
      transport: z.literal('stdio'),
      command: z.string().trim().min(1, 'Enter the command that starts the server, e.g. npx.').max(500, 'The command is at most 500 characters.'),
      args: z.array(z.string().max(1000, 'Arguments are at most 1,000 characters.')).max(50, 'At most 50 arguments.'),
      credentials: credentials(envName).optional(),
    }),
    z.object({ ...common, transport: z.literal('sse'), url, credentials: credentials(headerName).optional() }),
    z.object({ ...common, transport: z.literal('http'), url, credentials: credentials(headerName).optional() }),
  ],
  { message: 'Choose the transport: "stdio", "sse" or "http".' },
);
export type McpServerInput = z.infer<typeof mcpServerInput>;

/** The tool pattern a stage allows for an attached server: its filter, or all of its tools. */
export function mcpToolPatterns(server: { name: string; allowedTools: readonly string[] }): string[] {
  return server.allowedTools.length ? server.allowedTools.map((t) => `mcp__${server.name}__${t}`) : [`mcp__${server.name}__*`];
}
