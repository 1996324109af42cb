import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip } from 'node:zlib';

// git's own smart-HTTP server, `git http-backend`, run as a CGI program per request
// (see git-http-backend(1)): request line and headers go in as environment
// variables, the body on stdin; it answers with CGI headers, a blank line, the body.

export interface CgiRequest {
  projectRoot: string;
  /** The repository-relative path, e.g. `/acme/app.git/info/refs`. */
  pathInfo: string;
  query: string;
  /** Set for authenticated requests; http-backend allows push only with it (or http.receivepack). */
  remoteUser: string;
}

function cgiEnvironment(req: IncomingMessage, cgi: CgiRequest, gzipped: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: cgi.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    PATH_INFO: cgi.pathInfo,
    QUERY_STRING: cgi.query,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: cgi.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  // Protocol v2 is negotiated through this header.
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  // We inflate gzip bodies ourselves, so their length is unknown: http-backend then reads to EOF.
  if (!gzipped && req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  return env;
}

function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf <= lf)) return { at: crlf, length: 4 };
  return lf !== -1 ? { at: lf, length: 2 } : undefined;
}

function writeCgiHead(res: ServerResponse, head: string): void {
  let status = 200;
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else res.setHeader(name, value);
  }
  res.writeHead(status);
}

export function serveWithHttpBackend(req: IncomingMessage, res: ServerResponse, cgi: CgiRequest): void {
  const gzipped = req.headers['content-encoding'] === 'gzip';
  const child = spawn('git', ['http-backend'], { env: cgiEnvironment(req, cgi, gzipped), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // http-backend may exit before reading a body it refuses.
  child.stdin.on('error', () => undefined);
  const body = gzipped ? req.pipe(createGunzip()) : req;
  body.on('error', () => child.kill());
  body.pipe(child.stdin);

  let head = Buffer.alloc(0);
  let headWritten = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headWritten) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (!end) return;
    writeCgiHead(res, head.subarray(0, end.at).toString('latin1'));
    headWritten = true;
    res.write(head.subarray(end.at + end.length));
  });
  child.on('close', (code) => {
    if (!headWritten) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend failed (exit ${code}): ${stderr}`);
      return;
    }
    if (code !== 0 && stderr) console.error(`git remote: http-backend ${cgi.pathInfo} exited ${code}: ${stderr.trim()}`);
    res.end();
  });
  child.on('error', (error) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`git http-backend could not start: ${error.message}`);
  });
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
}
