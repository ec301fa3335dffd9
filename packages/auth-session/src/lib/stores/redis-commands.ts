import type { RedisConnection, RedisReply } from '@authbench/auth-stores';
import type { createCluster } from 'redis';

type ClusterClient = ReturnType<typeof createCluster>;

/** One command through the shared connection, which maps every outage (timeouts, LOADING…) to 503. */
export function redisCommand(
  connection: RedisConnection,
  key: string,
  args: readonly string[],
): Promise<RedisReply> {
  // Never `readonly`: a replica could still serve a session that was just revoked.
  return connection.command(key, args, false);
}

export interface ExpirationOption {
  readonly expiration?: { readonly type: string; readonly value: number };
}

/**
 * The subset of a node-redis client that connect-redis calls for `get`, `set`, `touch` and
 * `destroy`, served by the shared `RedisConnection`, so session commands get its command
 * timeout, its fail-fast behaviour while Redis is away (no offline queue) and its cluster
 * routing. Every command names one key; none spans slots.
 */
export class ConnectRedisClient {
  constructor(private readonly connection: RedisConnection) {}

  async get(key: string): Promise<string | null> {
    const reply = await redisCommand(this.connection, key, ['GET', key]);
    return typeof reply === 'string' ? reply : null;
  }

  async set(key: string, value: string, options: ExpirationOption = {}): Promise<void> {
    const expiration = options.expiration;
    const args = ['SET', key, value];
    if (expiration !== undefined) args.push(expiration.type, String(expiration.value));
    await redisCommand(this.connection, key, args);
  }

  async expire(key: string, seconds: number): Promise<void> {
    await redisCommand(this.connection, key, ['EXPIRE', key, String(seconds)]);
  }

  /** One `DEL` per key: a multi-key `DEL` would be cross-slot on a cluster. */
  async del(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => redisCommand(this.connection, key, ['DEL', key])));
  }
}

function scanPage(reply: RedisReply): { cursor: string; keys: readonly RedisReply[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[1])) {
    throw new TypeError('unexpected SCAN reply');
  }
  return { cursor: reply[0], keys: reply[1] };
}

async function countOnNode(send: (args: string[]) => Promise<RedisReply>, pattern: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const page = scanPage(await send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']));
    cursor = page.cursor;
    count += page.keys.length;
  } while (cursor !== '0');
  return count;
}

/** Keys matching `pattern` on every master (SCAN: O(keys), for benchmarks and tests only). */
export async function countKeys(connection: RedisConnection, pattern: string): Promise<number> {
  if (connection.kind === 'node') {
    return countOnNode((args) => redisCommand(connection, '', args), pattern);
  }
  const client = connection.client as ClusterClient;
  let total = 0;
  for (const master of client.masters) {
    const node = await client.nodeClient(master);
    total += await countOnNode((args) => node.sendCommand<RedisReply>(args), pattern);
  }
  return total;
}
