import type { StoreStatus } from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import type { SessionLifetime } from '../lifetime.js';
import { readRecord, type SessionRecord, serializeRecord } from '../session-record.js';
import {
  cookieData,
  finish,
  type SessionStoreExtras,
  type StoreCallback,
  type StoredSession,
  WrittenSessions,
} from './managed-store.js';
import { ConnectRedisClient, countKeys, redisCommand } from './redis-commands.js';
import { RedisUserIndex } from './redis-user-index.js';

/** Stores only the record (the cookie data is constant and rebuilt on read). */
class RecordSerializer {
  constructor(private readonly cookieSecure: boolean) {}

  stringify(sess: SessionData): string {
    const record = readRecord(sess);
    if (record === null) throw new TypeError('refusing to store a session without a login record');
    return serializeRecord(record);
  }

  /** A value that is not a record (foreign or corrupt) reads as a session without a login. */
  parse(text: string): StoredSession | SessionData {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
    const record = readRecord(value);
    const cookie = cookieData(this.cookieSecure);
    return record === null ? { cookie } : { cookie, ...record };
  }
}

/**
 * connect-redis, on the shared `RedisConnection` (see `ConnectRedisClient`): `get` and
 * `destroy` are connect-redis's; `set` also indexes the id by user; `touch` is ours:
 *
 * - express-session calls `touch` after every request that used a session without changing
 *   it. connect-redis would send `EXPIRE` each time: a second round trip per request, and
 *   the stored `lastSeenAt` would never move. Here `touch` writes only when `touchAfterMs`
 *   of the idle window has passed since the recorded activity, so a typical request costs
 *   one `GET`, and a refresh costs one `SET … XX` (the `XX` never re-creates a session that
 *   was destroyed while the request ran).
 */
export class RedisSessionStore extends RedisStore implements SessionStoreExtras {
  readonly kind = 'redis';
  readonly storeName = 'redis';
  private readonly index: RedisUserIndex;
  private readonly written = new WrittenSessions();

  constructor(
    private readonly connection: RedisConnection,
    private readonly lifetime: SessionLifetime,
    private readonly clock: () => number,
    keyPrefix: string,
    cookieSecure: boolean,
  ) {
    super({
      client: new ConnectRedisClient(connection),
      prefix: `${keyPrefix}sess:`,
      serializer: new RecordSerializer(cookieSecure),
      // The store's expiry is garbage collection; the app enforces both timeouts itself.
      ttl: (sess: SessionData) => {
        const record = readRecord(sess);
        return record === null ? 0 : lifetime.ttlSeconds(record, clock());
      },
    });
    this.index = new RedisUserIndex(connection, keyPrefix);
  }

  override async set(sid: string, sess: SessionData, callback?: StoreCallback): Promise<void> {
    try {
      const record = readRecord(sess);
      if (record === null) throw new TypeError('refusing to store a session without a login record');
      const serialized = serializeRecord(record);
      if (!this.written.isUnchanged(sess, serialized)) {
        await this.index.add(record.userId, sid, this.lifetime.absoluteDeadline(record), this.clock());
        await super.set(sid, sess);
        this.written.remember(sess, serialized);
      }
    } catch (error) {
      finish(callback, error);
      return;
    }
    finish(callback);
  }

  override async touch(sid: string, sess: SessionData, callback?: StoreCallback): Promise<void> {
    try {
      const record = readRecord(sess);
      const now = this.clock();
      if (record !== null && this.lifetime.refreshDue(record, now) && !this.lifetime.isExpired(record, now)) {
        await this.refresh(sid, { ...record, lastSeenAt: now }, now);
      }
    } catch (error) {
      finish(callback, error);
      return;
    }
    finish(callback);
  }

  async revokeAll(userId: string): Promise<number> {
    const ids = await this.index.members(userId);
    await Promise.all(ids.map((sid) => this.sessionCommand(sid, 'DEL')));
    await this.index.remove(userId, ids);
    return ids.length;
  }

  async forget(userId: string, sessionId: string): Promise<void> {
    await this.index.remove(userId, [sessionId]);
  }

  async count(): Promise<number> {
    return countKeys(this.connection, `${this.prefix}*`);
  }

  async health(): Promise<Readonly<Record<string, StoreStatus>>> {
    return { redis: (await this.connection.ping()) ? 'up' : 'down' };
  }

  private async refresh(sid: string, record: SessionRecord, now: number): Promise<void> {
    const key = this.prefix + sid;
    const ttl = this.lifetime.ttlSeconds(record, now);
    if (ttl <= 0) return;
    await redisCommand(this.connection, key, ['SET', key, serializeRecord(record), 'EX', String(ttl), 'XX']);
  }

  private async sessionCommand(sid: string, command: 'DEL'): Promise<void> {
    const key = this.prefix + sid;
    await redisCommand(this.connection, key, [command, key]);
  }
}
