#!/usr/bin/env node
// The container's only way out. Stage containers run with no network (NetworkMode "none");
// the supervisor bind-mounts one job's unix sockets, and this relay, started before the
// command, listens on the container's own 127.0.0.1 and pipes each connection to its socket:
// the model (ANTHROPIC_BASE_URL), the egress proxy (HTTPS_PROXY / HTTP_PROXY) and the board
// tools (SPEDY_TOOLS_URL). Then it runs the command with the same stdio, passes signals on
// and exits as the command did. The image's Node runs it; no dependencies.
//
//   node /spedy/relay.mjs 8401=/spedy/s/model.sock 8402=/spedy/s/egress.sock -- claude -p …
import { spawn } from 'node:child_process';
import net from 'node:net';
import { constants } from 'node:os';

const separator = process.argv.indexOf('--');
const routes = process.argv.slice(2, separator < 0 ? 2 : separator).map((arg) => {
  const [port, socketPath] = arg.split('=');
  return { port: Number(port), socketPath };
});
const command = separator < 0 ? [] : process.argv.slice(separator + 1);
if (command.length === 0 || routes.some((r) => !Number.isInteger(r.port) || !r.socketPath)) {
  process.stderr.write('spedy relay: usage: relay.mjs <port>=<socket>… -- <command> [args…]\n');
  process.exit(2);
}

function listen({ port, socketPath }) {
  const server = net.createServer((client) => {
    const upstream = net.connect(socketPath);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

try {
  await Promise.all(routes.map(listen));
} catch (error) {
  process.stderr.write(`spedy relay: cannot listen: ${error.message}\n`);
  process.exit(125);
}

const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`spedy relay: cannot start ${command[0]}: ${error.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
