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
import { MAX_SESSIONS_PER_USER } from './memory-store.js';
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
 * - `set` of a new login also ends the user's oldest sessions beyond `maxSessionsPerUser`
 *   (the per-user index answers them): their records are deleted, then their ids leave the
 *   index. One account's logins never touch another user's sessions.
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
    private readonly maxSessionsPerUser: number = MAX_SESSIONS_PER_USER,
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
    if (!Number.isSafeInteger(maxSessionsPerUser) || maxSessionsPerUser < 1) {
      throw new RangeError(`maxSessionsPerUser must be a positive integer, got ${maxSessionsPerUser}`);
    }
  }

  override async set(sid: string, sess: SessionData, callback?: StoreCallback): Promise<void> {
    try {
      const record = readRecord(sess);
      if (record === null) throw new TypeError('refusing to store a session without a login record');
      const serialized = serializeRecord(record);
      if (!this.written.isUnchanged(sess, serialized)) {
        const evicted = await this.index.add(
          record.userId,
          sid,
          this.lifetime.absoluteDeadline(record),
          this.clock(),
          this.maxSessionsPerUser,
        );
        await super.set(sid, sess);
        if (evicted.length > 0) {
          await Promise.all(evicted.map((id) => this.sessionCommand(id, 'DEL')));
          await this.index.remove(record.userId, evicted);
        }
        // A concurrent login of the same user may have evicted this id between the index write
        // and the record write (its DEL then found nothing): end it here, so the user never
        // keeps more than the cap, nor a session missing from the index. One ZSCORE per write
        // of a session record (logins), never on a request that only reads it.
        if (!(await this.index.contains(record.userId, sid))) await this.sessionCommand(sid, 'DEL');
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
