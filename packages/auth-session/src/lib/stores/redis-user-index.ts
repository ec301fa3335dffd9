import type { RedisConnection } from '@authbench/auth-stores';
import { redisCommand } from './redis-commands.js';

/**
 * Adds a session id scored by its absolute deadline, drops the ids whose deadline has
 * passed (their records are gone too), and lets the key expire with its newest member.
 * Then the ids beyond the per-user cap (ARGV[4]) — the earliest deadlines, i.e. the oldest
 * logins, never the one just added — move to the user's `evicting` set and are answered:
 * each evicted id goes to exactly one caller (concurrent logins never delete the same
 * records twice), and until the caller has deleted the record, logout-all still finds it.
 * Both keys carry the user's hash tag, so one slot: atomic on a cluster too.
 */
const ADD_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local ttl = tonumber(newest[2]) - tonumber(ARGV[1])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local evicted = {}
if over > 0 then
  -- One more than needed: with equal deadlines the new id may sort among the oldest.
  local oldest = redis.call('ZRANGE', KEYS[1], 0, over, 'WITHSCORES')
  for i = 1, #oldest, 2 do
    local id = oldest[i]
    if id ~= ARGV[3] and #evicted < over then
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZADD', KEYS[2], oldest[i + 1], id)
      table.insert(evicted, id)
    end
  end
end
if ttl > 0 then
  local px = string.format('%d', math.ceil(ttl))
  redis.call('PEXPIRE', KEYS[1], px)
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], px) end
end
return evicted
`;

/**
 * The per-user index of session ids, for logout-all and "a password change ends other
 * sessions": one sorted set per user, `<prefix>user:{<userId>}` (a hash tag, so the key
 * has a stable slot on Redis Cluster), scored by each session's absolute deadline.
 *
 * Consistency with expiring sessions: an id outlives its record by at most the time
 * between an idle expiry and the absolute deadline; stale ids are pruned on every login
 * (write) and by `revokeAll` (read), and deleting the record of a stale id is a no-op.
 * Session keys and the index key live in different slots, so no command touches both:
 * the index is written *before* the record (a failed record write leaves only a stale id,
 * never an unindexed session).
 */
export class RedisUserIndex {
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  keyOf(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  /** Ids evicted by the per-user cap whose records may not be deleted yet (same slot). */
  evictingKeyOf(userId: string): string {
    return `${this.keyOf(userId)}:evicting`;
  }

  /**
   * Indexes a session; answers the user's oldest ids beyond `maxPerUser`, now in the
   * `evicting` set: the caller deletes their records, then `remove`s them. A failure in
   * between leaves them findable by `members` (logout-all), never an unindexed session.
   * A concurrent login may evict this very id before its record is written: the caller
   * checks with `contains` once the record is there.
   */
  async add(
    userId: string,
    sessionId: string,
    deadlineMs: number,
    nowMs: number,
    maxPerUser: number,
  ): Promise<string[]> {
    const key = this.keyOf(userId);
    const reply = await redisCommand(this.connection, key, [
      'EVAL',
      ADD_SCRIPT,
      '2',
      key,
      this.evictingKeyOf(userId),
      String(Math.floor(nowMs)),
      String(Math.ceil(deadlineMs)),
      sessionId,
      String(maxPerUser),
    ]);
    if (!Array.isArray(reply)) throw new TypeError('unexpected reply from the session index script');
    return reply.filter((id): id is string => typeof id === 'string');
  }

  /** Whether the id is still indexed (not evicted by a concurrent login meanwhile). */
  async contains(userId: string, sessionId: string): Promise<boolean> {
    const key = this.keyOf(userId);
    return (await redisCommand(this.connection, key, ['ZSCORE', key, sessionId])) !== null;
  }

  /** Every id of the user, stale and evicting ones included (their deletion is harmless). */
  async members(userId: string): Promise<string[]> {
    const ids: string[] = [];
    for (const key of [this.keyOf(userId), this.evictingKeyOf(userId)]) {
      const reply = await redisCommand(this.connection, key, ['ZRANGE', key, '0', '-1']);
      if (Array.isArray(reply)) for (const id of reply) if (typeof id === 'string') ids.push(id);
    }
    return ids;
  }

  async remove(userId: string, sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    for (const key of [this.keyOf(userId), this.evictingKeyOf(userId)]) {
      await redisCommand(this.connection, key, ['ZREM', key, ...sessionIds]);
    }
  }
}
