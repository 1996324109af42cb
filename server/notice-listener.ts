// One dedicated PostgreSQL connection per platform instance that LISTENs for job offers
// and runner control. If it drops, it reconnects with backoff and reports the reconnect,
// because notices sent while it was away are lost (the caller re-offers what waits).
import pg from 'pg';
import { toError } from '@spedy/protocol/errors';

export type NoticeListener = { close(): Promise<void> };

export type NoticeListenerOptions = {
  databaseUrl: string;
  channels: string[];
  onNotice: (channel: string, payload: string) => void;
  onReconnect: () => void;
  log: (line: string) => void;
};

/** Resolves once the first LISTEN is in place. */
export async function listenForNotices(options: NoticeListenerOptions): Promise<NoticeListener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let backoffMs = 250;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.databaseUrl, keepAlive: true, application_name: 'spedy-notices' });
    next.on('notification', (msg) => {
      if (msg.payload !== undefined) options.onNotice(msg.channel, msg.payload);
    });
    next.on('error', (error) => {
      options.log(`notice listener connection failed: ${toError(error).message}`);
      lost(next);
    });
    next.on('end', () => lost(next));
    try {
      await next.connect();
      for (const channel of options.channels) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
    backoffMs = 250;
  };

  const lost = (which: pg.Client) => {
    if (closed || client !== which) return;
    client = undefined;
    which.end().catch(() => undefined);
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      try {
        await connect();
        options.log('notice listener reconnected');
        options.onReconnect();
      } catch (error) {
        options.log(`notice listener could not reconnect (retrying in ${backoffMs} ms): ${toError(error).message}`);
        backoffMs = Math.min(backoffMs * 2, 5000);
        scheduleReconnect();
      }
    }, backoffMs);
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
    },
  };
}
