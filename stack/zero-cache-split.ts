// Zero's multi-node topology (zero.rocicorp.dev/docs/self-host): one replication manager owns
// the replication slot, keeps the canonical replica and backs it up with Litestream; view-syncers
// restore that backup, follow the replication manager's change-streamer and serve clients. Both
// are plain zero-cache processes with different settings (README "Scaling out").
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.ts';
import { fromRoot } from './paths.ts';
import { startZeroCache, type ZeroCacheHandle } from './zero-cache.ts';

/** The Litestream config zero-cache ships (it fills in the replica file and backup URL). */
export const litestreamConfigPath = fromRoot('node_modules', '@rocicorp', 'zero', 'out', 'zero-cache', 'src', 'services', 'litestream', 'config.yml');

/**
 * The Litestream binary (stock v0.3.13) from `@flydotio/litestream-linux-x64`, the platform package of
 * `@flydotio/litestream` (whose other platforms are missing from the registry this machine reaches). The
 * wrapper (not installed) drops the exit status; zero-cache gets the binary itself.
 */
export function litestreamExecutable(): string {
  const platformPackage = `@flydotio/litestream-${process.platform}-${process.arch}`;
  try {
    const binary = path.join(path.dirname(createRequire(fromRoot('package.json')).resolve(`${platformPackage}/package.json`)), 'litestream');
    fs.accessSync(binary, fs.constants.X_OK);
    return binary;
  } catch {
    throw new StackError(`No Litestream binary: ${platformPackage} is not installed. Run npm install (the platform's Litestream package is an optional dependency; only linux-x64 is listed).`);
  }
}

interface SplitOptions {
  /** Sync port; zero-cache also uses port + 1 and port + 2, so pick it with findFreePort(…, { count: 3 }). */
  port: number;
  upstreamUrl: string;
  dataDir: string;
  adminPassword: string;
  /** One app id per replication manager and its view-syncers (it names the slot, schemas and publications). */
  appId: string;
  /** Added to the zero-cache environment. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/**
 * The replication manager: no sync workers, the change-streamer on port + 1 (on loopback through
 * the preload; it has no authentication), the replica backed up to `backupUrl` (`file://…` or
 * `s3://…`).
 */
export function startReplicationManager(options: SplitOptions & { backupUrl: string }): Promise<ZeroCacheHandle> {
  return startZeroCache({
    port: options.port,
    upstreamUrl: options.upstreamUrl,
    dataDir: options.dataDir,
    adminPassword: options.adminPassword,
    // No sync workers, so nothing is pushed or queried; zero-cache still wants the URLs to parse.
    appUrl: 'http://127.0.0.1:9',
    timeoutMs: options.timeoutMs,
    env: {
      ZERO_APP_ID: options.appId,
      ZERO_NUM_SYNC_WORKERS: '0',
      ZERO_LITESTREAM_EXECUTABLE: litestreamExecutable(),
      ZERO_LITESTREAM_CONFIG_PATH: litestreamConfigPath,
      ZERO_LITESTREAM_BACKUP_URL: options.backupUrl,
      // Registered for ZERO_CHANGE_STREAMER_MODE=discover; view-syncers here are given the URI.
      ZERO_CHANGE_STREAMER_ADDRESS: `127.0.0.1:${options.port + 1}`,
      ...options.env,
    },
  });
}

/**
 * A view-syncer: restores the replication manager's backup (whose location it learns from the
 * change-streamer), then follows `changeStreamerUrl` and serves clients for the app at `appUrl`.
 */
export function startViewSyncer(options: SplitOptions & { changeStreamerUrl: string; appUrl: string }): Promise<ZeroCacheHandle> {
  return startZeroCache({
    port: options.port,
    upstreamUrl: options.upstreamUrl,
    dataDir: options.dataDir,
    adminPassword: options.adminPassword,
    appUrl: options.appUrl,
    timeoutMs: options.timeoutMs,
    env: {
      ZERO_APP_ID: options.appId,
      ZERO_CHANGE_STREAMER_URI: options.changeStreamerUrl,
      ZERO_LITESTREAM_EXECUTABLE: litestreamExecutable(),
      ZERO_LITESTREAM_CONFIG_PATH: litestreamConfigPath,
      ...options.env,
    },
  });
}
