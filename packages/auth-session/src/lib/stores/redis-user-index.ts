import type { RedisConnection } from '@authbench/auth-stores';
import { redisCommand } from './redis-commands.js';

/**
 * Adds a session id scored by its absolute deadline, drops the ids whose deadline has
 * passed (their records are gone too), and lets the whole key expire with its newest
 * member. One key, so one slot: atomic on a cluster too.
 */
const ADD_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local ttl = tonumber(newest[2]) - tonumber(ARGV[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], string.format('%d', math.ceil(ttl))) end
return redis.call('ZCARD', KEYS[1])
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

  async add(userId: string, sessionId: string, deadlineMs: number, nowMs: number): Promise<void> {
    const key = this.keyOf(userId);
    await redisCommand(this.connection, key, [
      'EVAL',
      ADD_SCRIPT,
      '1',
      key,
      String(Math.floor(nowMs)),
      String(Math.ceil(deadlineMs)),
      sessionId,
    ]);
  }

  /** Every id of the user, stale ones included (their deletion is harmless). */
  async members(userId: string): Promise<string[]> {
    const key = this.keyOf(userId);
    const reply = await redisCommand(this.connection, key, ['ZRANGE', key, '0', '-1']);
    return Array.isArray(reply) ? reply.filter((id): id is string => typeof id === 'string') : [];
  }

  async remove(userId: string, sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const key = this.keyOf(userId);
    await redisCommand(this.connection, key, ['ZREM', key, ...sessionIds]);
  }
}
