import { createRequire } from 'node:module';
import { StoreUnavailableError } from '@authbench/auth-core';
import type * as RedisDriver from 'redis';

export type RedisReply = string | number | null | readonly RedisReply[];

export interface RedisConnectionOptions {
  /** Longest a command may take before the request fails closed with 503. */
  readonly commandTimeoutMs?: number;
  /** Reports connection errors (the client would otherwise crash the process on them). */
  readonly onError?: (error: Error) => void;
}

type NodeClient = ReturnType<typeof RedisDriver.createClient>;
type ClusterClient = ReturnType<typeof RedisDriver.createCluster>;

/**
 * The driver, loaded when the first connection is made: most starts have no REDIS_URL, and
 * loading node-redis is ~0.2 s of a ~2 s start-up (issue #15). It is CommonJS, so `require`
 * keeps the constructor synchronous.
 */
let driver: typeof RedisDriver | undefined;
function redisDriver(): typeof RedisDriver {
  driver ??= createRequire(import.meta.url)('redis') as typeof RedisDriver;
  return driver;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

/**
 * Reply errors that mean "Redis cannot serve right now" (still loading after a restart, a
 * failover in progress, out of memory, persistence failing): an outage (503), not a bug.
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|MISCONF|READONLY|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|OOM)\b/;
const RECONNECT_CAP_MS = 2_000;

/** Exponential back-off capped at two seconds: the client keeps trying until Redis returns. */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, RECONNECT_CAP_MS);
}

/**
 * `redis://host:port` for one node, `redis+cluster://host:port[,host:port…]` for a Redis
 * Cluster (seed nodes). Every command names its key so the cluster can route it; callers
 * keep related keys in one hash slot with `{…}` tags.
 */
export function parseRedisUrl(
  url: string,
): { kind: 'node'; url: string } | { kind: 'cluster'; urls: string[] } {
  if (url.startsWith('redis+cluster://')) {
    const rest = url.slice('redis+cluster://'.length);
    const at = rest.lastIndexOf('@');
    const credentials = at === -1 ? '' : rest.slice(0, at + 1);
    const hosts = (at === -1 ? rest : rest.slice(at + 1)).split('/')[0] ?? '';
    const urls = hosts
      .split(',')
      .filter((host) => host.length > 0)
      .map((host) => `redis://${credentials}${host}`);
    if (urls.length === 0)
      throw new TypeError('REDIS_URL: a redis+cluster:// URL needs at least one host:port');
    return { kind: 'cluster', urls };
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return { kind: 'node', url };
  throw new TypeError('REDIS_URL: expected redis://, rediss:// or redis+cluster://');
}

/**
 * One Redis connection (single node or cluster) shared by every store of the process.
 * Commands never queue while Redis is away: they fail at once with `StoreUnavailableError`
 * (503), and the client reconnects by itself in the background.
 */
export class RedisConnection {
  readonly kind: 'node' | 'cluster';
  /** The underlying client, for libraries that want it (connect-redis, rate-limiter-flexible). */
  readonly client: NodeClient | ClusterClient;
  private readonly commandTimeoutMs: number;
  private connecting: Promise<void> | null = null;

  constructor(url: string, options: RedisConnectionOptions = {}) {
    const parsed = parseRedisUrl(url);
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const socket = { connectTimeout: this.commandTimeoutMs, reconnectStrategy: reconnectDelay };
    const { createClient, createCluster } = redisDriver();
    if (parsed.kind === 'node') {
      this.kind = 'node';
      this.client = createClient({ url: parsed.url, socket, disableOfflineQueue: true });
    } else {
      this.kind = 'cluster';
      this.client = createCluster({
        rootNodes: parsed.urls.map((nodeUrl) => ({ url: nodeUrl })),
        defaults: { socket, disableOfflineQueue: true },
      });
    }
    const onError = options.onError ?? (() => undefined);
    this.client.on('error', (error: unknown) =>
      onError(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Starts connecting; resolves once connected, but the app need not wait for it. */
  connect(): Promise<void> {
    this.connecting ??= this.client.connect().then(
      () => undefined,
      (error: unknown) => {
        this.connecting = null;
        throw error;
      },
    );
    return this.connecting;
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  /** Runs one command routed by `key`; any failure or timeout becomes a 503. */
  async command(key: string, args: readonly string[], readonly = false): Promise<RedisReply> {
    if (!this.client.isReady) throw new StoreUnavailableError('redis');
    const pending =
      this.kind === 'cluster'
        ? (this.client as ClusterClient).sendCommand<RedisReply>(key, readonly, [...args])
        : (this.client as NodeClient).sendCommand<RedisReply>([...args]);
    try {
      return await this.withTimeout(pending);
    } catch (error) {
      throw this.classify(error);
    }
  }

  async ping(): Promise<boolean> {
    if (!this.client.isReady) return false;
    try {
      await this.withTimeout(
        this.kind === 'cluster'
          ? (this.client as ClusterClient).sendCommand<RedisReply>(undefined, true, ['PING'])
          : (this.client as NodeClient).sendCommand<RedisReply>(['PING']),
      );
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.client.isOpen) {
      try {
        await this.client.close();
      } catch {
        this.client.destroy();
      }
    }
  }

  /**
   * Bounds any Redis work — including libraries handed `client` directly — by the command
   * timeout; a hung Redis (open socket, no replies) becomes a 503 instead of a hung request.
   * Other failures pass through unchanged for the caller to classify.
   */
  async withTimeout<T>(pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError('redis')), this.commandTimeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A failed command: a Redis reply error is a bug, unless it says Redis cannot serve now. */
  private classify(error: unknown): unknown {
    if (error instanceof StoreUnavailableError) return error;
    if (error instanceof Error && error.name === 'ErrorReply' && !UNAVAILABLE_REPLY.test(error.message))
      return error;
    return new StoreUnavailableError('redis', error);
  }
}
