import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildMessage, estimateTokens, streamMessage } from './message-stream.ts';
import {
  assistantTurns,
  lastUserText,
  messagesRequestSchema,
  promptOf,
  scenarioMarkerIn,
  toolResultsOf,
  workingDirectoryOf,
  type Message,
  type MessagesRequest,
} from './messages-request.ts';
import { isScriptedError, resolveTurn, type Scenario, type TurnRequest } from './scenario.ts';
import { builtInScenarios } from './scenarios.ts';

// The scripted model: the Anthropic Messages API as the Claude Code CLI uses it
// (`POST /v1/messages?beta=true`, streaming), answering from scenarios.

export interface ModelServerOptions {
  port?: number;
  /** Added to (or replacing by name) the built-in scenarios. */
  scenarios?: Record<string, Scenario>;
  /** Used when the first user message names no `[scenario:<name>]`. */
  defaultScenario?: string;
  /** When set, requests must carry it as `x-api-key` or `Authorization: Bearer`. */
  apiKey?: string;
  /**
   * When set, requests must carry one of these as `Authorization: Bearer` with the OAuth beta
   * header, as the CLI sends a Claude Max/Pro login (an `x-api-key` does not do): a stand-in
   * for the API accepting a person's login and, after a refresh, its new access token.
   */
  accessTokens?: readonly string[];
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  scenario?: string;
  turn?: number;
  model?: string;
  stream?: boolean;
  messages?: Message[];
  /** With `accessTokens`: the index of the one the request carried. */
  accessToken?: number;
}

export interface ModelServer {
  url: string;
  port: number;
  requests(): LoggedRequest[];
  reset(): void;
  stop(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message } });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function isAuthorized(req: IncomingMessage, options: ModelServerOptions): boolean {
  if (options.accessTokens) return loginTokenIndex(req, options.accessTokens) !== undefined;
  if (options.apiKey === undefined) return true;
  return req.headers['x-api-key'] === options.apiKey || req.headers.authorization === `Bearer ${options.apiKey}`;
}

/** Which login token the request carries (as the CLI sends one: a bearer and the OAuth beta), if any. */
function loginTokenIndex(req: IncomingMessage, accessTokens: readonly string[]): number | undefined {
  const betas = String(req.headers['anthropic-beta'] ?? '').split(',').map((beta) => beta.trim());
  if (!betas.includes('oauth-2025-04-20') || req.headers['x-api-key'] !== undefined) return undefined;
  const index = accessTokens.findIndex((token) => req.headers.authorization === `Bearer ${token}`);
  return index === -1 ? undefined : index;
}

function turnRequestOf(body: MessagesRequest, scenario: string): TurnRequest {
  return {
    scenario,
    turn: assistantTurns(body.messages),
    model: body.model,
    prompt: promptOf(body.messages),
    lastUserText: lastUserText(body.messages),
    toolResults: toolResultsOf(body.messages),
    workingDirectory: workingDirectoryOf(body),
    tools: (body.tools ?? []).map((tool) => tool.name),
  };
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const scenarios = { ...builtInScenarios, ...options.scenarios };
  const defaultScenario = options.defaultScenario ?? 'edit-and-test';
  let log: LoggedRequest[] = [];

  async function answerMessages(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const parsed = messagesRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) {
      log.push({ method: 'POST', path, status: 400 });
      return sendError(res, 400, 'invalid_request_error', `Request body is not a Messages request: ${parsed.error.message}`);
    }
    const body = parsed.data;
    const name = scenarioMarkerIn(body) ?? defaultScenario;
    const scenario = scenarios[name];
    const turnRequest = turnRequestOf(body, name);
    const entry: LoggedRequest = { method: 'POST', path, status: 200, scenario: name, turn: turnRequest.turn, model: body.model, stream: body.stream === true, messages: body.messages };
    if (options.accessTokens) entry.accessToken = loginTokenIndex(req, options.accessTokens);
    log.push(entry);
    if (!scenario) {
      entry.status = 400;
      return sendError(res, 400, 'invalid_request_error', `Unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
    }
    const result = resolveTurn(scenario, turnRequest);
    if (isScriptedError(result)) {
      entry.status = result.error.status;
      return sendError(res, result.error.status, result.error.type, result.error.message);
    }
    if (result.delayMs) await sleep(result.delayMs);
    if (res.destroyed) return;
    // Fresh ids like the real API's; the reply itself depends only on the request.
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const message = buildMessage(result, { id, model: body.model, requestTokens: estimateTokens(body.messages) });
    if (body.stream) streamMessage(res, message, result.deltaSize);
    else sendJson(res, 200, message);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/_test/requests') return sendJson(res, 200, log);
    if (method === 'POST' && path === '/_test/reset') {
      log = [];
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'GET' && path === '/_test/scenarios') {
      return sendJson(res, 200, Object.fromEntries(Object.entries(scenarios).map(([key, value]) => [key, value.description])));
    }
    if (!isAuthorized(req, options)) {
      log.push({ method, path, status: 401 });
      return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    }
    if (method === 'POST' && path === '/v1/messages') return answerMessages(req, res, path);
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      const body = await readJson(req);
      log.push({ method, path, status: 200 });
      return sendJson(res, 200, { input_tokens: estimateTokens(body ?? '') });
    }
    log.push({ method, path, status: 404 });
    sendError(res, 404, 'not_found_error', `${method} ${path} is not served by the scripted model`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('model server: request failed', error);
      if (!res.headersSent) sendError(res, 500, 'api_error', 'The scripted model server failed; see its log');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('model server: no TCP address after listen');
  const { port } = address;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => structuredClone(log),
    reset: () => {
      log = [];
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
