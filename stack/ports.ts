import net from 'node:net';

type ListenResult = 'free' | 'busy' | 'unsupported';

function tryListen(port: number, host: string): Promise<ListenResult> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT' ? 'unsupported' : 'busy');
    });
    server.listen({ port, host }, () => server.close(() => resolve('free')));
  });
}

/**
 * True when nothing listens on `port`: it can be bound on 127.0.0.1 and on the
 * wildcard address (`::`, which also covers ::1 and 0.0.0.0 on Linux; `0.0.0.0`
 * when IPv6 is unavailable), so neither `localhost` nor a server listening on
 * all interfaces would collide with something already there.
 */
export async function isPortFree(port: number): Promise<boolean> {
  if ((await tryListen(port, '127.0.0.1')) !== 'free') return false;
  const wildcard6 = await tryListen(port, '::');
  if (wildcard6 === 'busy') return false;
  if (wildcard6 === 'unsupported' && (await tryListen(port, '0.0.0.0')) !== 'free') return false;
  return true;
}

async function osAssignedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('Could not get a port from the OS'))));
    });
  });
}

export interface FindFreePortOptions {
  /** How many consecutive ports, starting at the returned one, must be free (default 1). */
  count?: number;
  /** How many ports from `preferred` upwards to try before asking the OS (default 20). */
  attempts?: number;
  /** Ports that must not be returned (e.g. already picked for another service). */
  exclude?: Iterable<number>;
}

/**
 * Returns `preferred` if it is free, else the next free port above it, else a
 * port assigned by the OS. With `count > 1` the following `count - 1` ports are
 * free as well (zero-cache uses port + 1 and port + 2 internally).
 */
export async function findFreePort(preferred?: number, options: FindFreePortOptions = {}): Promise<number> {
  const count = Math.max(1, options.count ?? 1);
  const attempts = options.attempts ?? 20;
  const exclude = new Set(options.exclude ?? []);

  const rangeFree = async (start: number): Promise<boolean> => {
    if (start < 1 || start + count - 1 > 65535) return false;
    for (let p = start; p < start + count; p++) {
      if (exclude.has(p) || !(await isPortFree(p))) return false;
    }
    return true;
  };

  if (preferred !== undefined) {
    for (let p = preferred; p < preferred + attempts; p++) {
      if (await rangeFree(p)) return p;
    }
  }
  for (let i = 0; i < 50; i++) {
    const p = await osAssignedPort();
    if (await rangeFree(p)) return p;
  }
  throw new Error(`No free port found${preferred !== undefined ? ` (tried ${preferred}-${preferred + attempts - 1})` : ''}`);
}
