// A test host outside the machine's own network: an HTTP server serving a folder from inside a
// network namespace the test creates, reachable from the host (the supervisor's egress proxy)
// through a veth pair in 198.18.0.0/15, the benchmarking range. It logs every request, so a
// test can tell whether a job fetched anything. Needs root (`ip netns`), as the Docker suite has.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NetnsFileServer {
  /** host:port, as a team allows it. */
  host: string;
  url(file: string): string;
  /** The paths asked for so far, in order. */
  requests: string[];
  stop(): Promise<void>;
}

const serverScript = `
const http = require('http'), fs = require('fs'), path = require('path');
const [dir, port, address] = process.argv.slice(1);
http.createServer((req, res) => {
  console.log('request ' + req.url);
  const file = path.join(dir, path.basename(new URL(req.url, 'http://x').pathname));
  fs.readFile(file, (error, data) => {
    if (error) { res.statusCode = 404; return res.end('not found'); }
    res.end(data);
  });
}).listen(+port, address, () => console.log('listening'));
`;

export async function startNetnsFileServer(dir: string): Promise<NetnsFileServer> {
  const tag = randomBytes(3).toString('hex');
  const netns = { name: `spedy-f${tag}`, hostIf: `sf${tag}h`, nsIf: `sf${tag}n`, subnet: randomInt(1, 255) };
  const address = `198.19.${netns.subnet}.2`;
  const port = 7000 + randomInt(0, 1000);
  const ip = (...args: string[]) => run('ip', args);
  let created = false;
  const requests: string[] = [];
  const stopNetns = async () => {
    await run('ip', ['link', 'del', netns.hostIf]).catch(() => undefined);
    if (created) await run('ip', ['netns', 'del', netns.name]).catch(() => undefined);
  };
  try {
    await ip('netns', 'add', netns.name);
    created = true;
    await ip('link', 'add', netns.hostIf, 'type', 'veth', 'peer', 'name', netns.nsIf);
    await ip('link', 'set', netns.nsIf, 'netns', netns.name);
    await ip('addr', 'add', `198.19.${netns.subnet}.1/30`, 'dev', netns.hostIf);
    await ip('link', 'set', netns.hostIf, 'up');
    await ip('netns', 'exec', netns.name, 'ip', 'addr', 'add', `${address}/30`, 'dev', netns.nsIf);
    await ip('netns', 'exec', netns.name, 'ip', 'link', 'set', netns.nsIf, 'up');
    await ip('netns', 'exec', netns.name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    await stopNetns();
    throw error;
  }
  const server = spawn('ip', ['netns', 'exec', netns.name, process.execPath, '-e', serverScript, dir, String(port), address]);
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    server.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'listening') resolve();
        else if (line.startsWith('request ')) requests.push(line.slice('request '.length));
      }
    });
    server.once('exit', (code) => reject(new Error(`the namespace's file server exited with ${code}`)));
  }).catch(async (error: unknown) => {
    await stopNetns();
    throw error;
  });
  return {
    host: `${address}:${port}`,
    url: (file) => `http://${address}:${port}/${file}`,
    requests,
    async stop() {
      server.kill();
      await stopNetns();
    },
  };
}
