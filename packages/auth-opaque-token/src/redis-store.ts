import { StoreUnavailableError } from '@authbench/auth-core';
import type { RedisConnection, RedisReply } from '@authbench/auth-stores';
import { LAST_USE_RESOLUTION_MS } from './constants.js';
import type { OpaqueTokenRecord, OpaqueTokenStore } from './token-store.js';

/** Writes a record hash and its TTL in one step (one key, so one slot). */
const SAVE_SCRIPT = `
redis.call('HSET', KEYS[1], 'uid', ARGV[1], 'name', ARGV[2], 'sha256', ARGV[3], 'iat', ARGV[4], 'exp', ARGV[5], 'used', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
`;

/**
 * The per-user index: a sorted set of token ids scored by expiry. Drops expired ids, adds the
 * new one, pops the oldest beyond the per-user cap (returned, for the caller to delete their
 * records) and lets the key expire with its newest member. One key, so one slot.
 */
const INDEX_ADD_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local evicted = {}
if excess > 0 then
  evicted = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return evicted
`;

/** Updates last use only while the record exists (HSET alone would resurrect a deleted one). */
const TOUCH_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'used', ARGV[1]) end
return 1
`;

const HEALTH_PROBE_ID = 'health:probe';

/** The record's fields, in the order `HMGET` is asked for them. */
const FIELDS = ['uid', 'name', 'sha256', 'iat', 'exp', 'used'] as const;

/**
 * `HMGET` rather than `HGETALL`: its reply is a plain array on every client and protocol
 * (node-redis turns an `HGETALL` reply into an object). A missing key reads as all `null`.
 */
function fields(reply: RedisReply): (string | null)[] {
  if (!Array.isArray(reply) || reply.length !== FIELDS.length) {
    throw new TypeError('opaque token store: unexpected HMGET reply');
  }
  return reply.map((value: RedisReply) => (typeof value === 'string' ? value : null));
}

function wholeNumber(text: string | null | undefined): number {
  const value = Number(text);
  if (text === undefined || text === null || !Number.isSafeInteger(value)) {
    throw new TypeError('opaque token store: corrupt record');
  }
  return value;
}

/**
 * Token records in Redis, single node or cluster. The record key `<prefix>tok:{<id>}` is found
 * from the token id alone; the user's index `<prefix>user:{<userId>}` lives in another slot, so
 * no command touches both, and several records are deleted one key per command. The index is
 * written before the record: a failed record write leaves only a stale id (harmless to delete),
 * never a token logout-all cannot find.
 */
export class RedisOpaqueTokenStore implements OpaqueTokenStore {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly maxRecordsPerUser: number,
  ) {}

  recordKey(id: string): string {
    return `${this.prefix}tok:{${id}}`;
  }

  userKey(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  async save(record: OpaqueTokenRecord, ttlMs: number): Promise<void> {
    const userKey = this.userKey(record.userId);
    const evicted = await this.redis.command(userKey, [
      'EVAL',
      INDEX_ADD_SCRIPT,
      '1',
      userKey,
      String(record.issuedAt),
      String(record.expiresAt),
      record.id,
      String(this.maxRecordsPerUser),
      String(ttlMs),
    ]);
    const key = this.recordKey(record.id);
    await this.redis.command(key, [
      'EVAL',
      SAVE_SCRIPT,
      '1',
      key,
      record.userId,
      record.username,
      record.secretHash,
      String(record.issuedAt),
      String(record.expiresAt),
      String(ttlMs),
    ]);
    if (Array.isArray(evicted)) {
      await this.deleteRecords(evicted.filter((id): id is string => typeof id === 'string'));
    }
  }

  /** One `HMGET`, from the primary (a replica could still serve a revoked token). */
  async find(id: string): Promise<OpaqueTokenRecord | null> {
    const key = this.recordKey(id);
    const [userId, username, secretHash, issuedAt, expiresAt, lastUsedAt] = fields(
      await this.redis.command(key, ['HMGET', key, ...FIELDS]),
    );
    if (userId === null && secretHash === null) return null;
    if (userId == null || username == null || secretHash == null) {
      throw new TypeError('opaque token store: corrupt record');
    }
    return {
      id,
      userId,
      username,
      secretHash,
      issuedAt: wholeNumber(issuedAt),
      expiresAt: wholeNumber(expiresAt),
      lastUsedAt: wholeNumber(lastUsedAt),
    };
  }

  async touch(record: OpaqueTokenRecord, now: number): Promise<void> {
    if (now - record.lastUsedAt < LAST_USE_RESOLUTION_MS) return;
    const key = this.recordKey(record.id);
    await this.redis.command(key, ['EVAL', TOUCH_SCRIPT, '1', key, String(now)]);
  }

  async delete(id: string, userId: string): Promise<void> {
    const key = this.recordKey(id);
    await this.redis.command(key, ['DEL', key]);
    const userKey = this.userKey(userId);
    await this.redis.command(userKey, ['ZREM', userKey, id]);
  }

  /**
   * Deletes the records the index names, then only those ids from the index (not the whole
   * key: a login racing this keeps its entry, so a later logout-all still finds it).
   */
  async deleteAllOf(userId: string): Promise<void> {
    const userKey = this.userKey(userId);
    const reply = await this.redis.command(userKey, ['ZRANGE', userKey, '0', '-1']);
    const ids = Array.isArray(reply) ? reply.filter((id): id is string => typeof id === 'string') : [];
    if (ids.length === 0) return;
    await this.deleteRecords(ids);
    await this.redis.command(userKey, ['ZREM', userKey, ...ids]);
  }

  count(): Promise<null> {
    return Promise.resolve(null);
  }

  async health(): Promise<'up' | 'down'> {
    const key = this.recordKey(HEALTH_PROBE_ID);
    try {
      await this.redis.command(key, ['EXISTS', key], true);
      return 'up';
    } catch (error) {
      if (error instanceof StoreUnavailableError) return 'down';
      throw error;
    }
  }

  /** One `DEL` per key: a multi-key `DEL` would span slots on a cluster. */
  private async deleteRecords(ids: readonly string[]): Promise<void> {
    await Promise.all(
      ids.map((id) => {
        const key = this.recordKey(id);
        return this.redis.command(key, ['DEL', key]);
      }),
    );
  }
}
