import type { StoreStatus } from '@authbench/auth-core';
import type { RedisConnection, RedisReply } from '@authbench/auth-stores';
import type { AccessTokenRef, JwtStateStore, RotationOutcome, UserCutoff } from './jwt-state-store.js';
import { MAX_FAMILIES_PER_USER } from './memory-jwt-state-store.js';

/**
 * Redis layout. Every key of a user shares the hash tag `{base64url(userId)}`, so in a Redis
 * Cluster they live in one slot: the per-request check is one MGET, and logout-all is one
 * script that ends every login of the user atomically. (base64url keeps `{`, `}` and `:` of
 * an id out of the key syntax.)
 *
 *   <prefix>{u}:token:<jti>           revoked access token, until its exp      (denylist)
 *   <prefix>{u}:cutoff                logout-all time in ms                    (denylist)
 *   <prefix>{u}:login:<sid>           `<absolute deadline ms>:<current refresh jti>` of a live login
 *   <prefix>{u}:login-revoked:<sid>   ended login, until its access tokens expire (denylist)
 *   <prefix>{u}:families              sorted set of the user's login ids, scored by each
 *                                     login's expiry (least recently refreshed first);
 *                                     never more than `maxFamiliesPerUser` members
 *   <prefix>{u}:logins                (older builds) plain set of login ids: still ended by
 *                                     logout and logout-all, never written; expires by itself
 *
 * TTLs are relative (PX) and computed on the injected clock, so the store follows the same
 * time as the verifier even when tests freeze it. Every script touches keys of one user only
 * (one slot on a cluster) and runs atomically; a login's script also trims the user's
 * families to the cap in the same step, so concurrent logins can never leave more.
 */
class KeySpace {
  constructor(private readonly prefix: string) {}

  user(userId: string): string {
    return `${this.prefix}{${Buffer.from(userId, 'utf8').toString('base64url')}}`;
  }

  token(userId: string, jti: string): string {
    return `${this.user(userId)}:token:${jti}`;
  }

  cutoff(userId: string): string {
    return `${this.user(userId)}:cutoff`;
  }

  login(userId: string, loginId: string): string {
    return `${this.user(userId)}:login:${loginId}`;
  }

  loginRevoked(userId: string, loginId: string): string {
    return `${this.user(userId)}:login-revoked:${loginId}`;
  }

  families(userId: string): string {
    return `${this.user(userId)}:families`;
  }

  /** The plain set older builds kept; read when ending logins, never written. */
  legacyLogins(userId: string): string {
    return `${this.user(userId)}:logins`;
  }
}

// Shared by the scripts: the families set expires with its longest-lived member.
const EXPIRE_FAMILIES = `
local function expireFamilies(key, now)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if newest[2] then
    local ttl = tonumber(newest[2]) - now
    if ttl > 0 then redis.call('PEXPIRE', key, string.format('%d', ttl)) end
  end
end`;

// KEYS: login, families. ARGV: stored value, ttl ms, login id, now ms, until ms, per-user cap,
// user key prefix. Prunes expired ids, adds the login, then ends the least recently
// refreshed logins beyond the cap (their login keys share the hash tag: same slot).
const START_LOGIN = `${EXPIRE_FAMILIES}
local now = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[3])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
if over > 0 then
  -- One more than needed: with equal expiries the new login may sort among the oldest.
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, over)) do
    if id ~= ARGV[3] and over > 0 then
      redis.call('DEL', ARGV[7] .. ':login:' .. id)
      redis.call('ZREM', KEYS[2], id)
      over = over - 1
    end
  end
end
expireFamilies(KEYS[2], now)
return 1`;

// KEYS: login, families, login-revoked, legacy logins. ARGV: presented jti, next jti, ttl ms,
// marker ttl ms (0: none), login id, now ms, until ms.
const ROTATE_REFRESH = `${EXPIRE_FAMILIES}
local value = redis.call('GET', KEYS[1])
if not value then return 'unknown' end
local absolute, current = string.match(value, '^(%d+):(.+)$')
if not current then current = value end
local function forget()
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
  redis.call('SREM', KEYS[4], ARGV[5])
end
if current ~= ARGV[1] then
  forget()
  local marker = tonumber(ARGV[4])
  if marker > 0 then redis.call('SET', KEYS[3], '1', 'PX', marker) end
  return 'reused'
end
if absolute and tonumber(absolute) <= tonumber(ARGV[6]) then
  forget()
  return 'expired'
end
local stored = ARGV[2]
if absolute then stored = absolute .. ':' .. ARGV[2] end
redis.call('SET', KEYS[1], stored, 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[5])
expireFamilies(KEYS[2], tonumber(ARGV[6]))
return 'rotated'`;

// KEYS: login, families, login-revoked, legacy logins. ARGV: login id, marker ttl ms (0: none).
const END_LOGIN = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
local marker = tonumber(ARGV[2])
if marker > 0 then redis.call('SET', KEYS[3], '1', 'PX', marker) end
return 1`;

// KEYS: families, cutoff, legacy logins. ARGV: user key prefix, cutoff ms, cutoff ttl ms (0: none),
// marker ttl ms (0: none). The per-login keys are derived from the user prefix: same hash
// tag, hence the same slot. At most the per-user cap of logins (plus any of older builds).
const END_USER = `
local cutoffTtl = tonumber(ARGV[3])
if cutoffTtl > 0 then
  local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
  local at = tonumber(ARGV[2])
  if previous > at then at = previous end
  redis.call('SET', KEYS[2], string.format('%.0f', at), 'PX', cutoffTtl)
end
local marker = tonumber(ARGV[4])
local function finish(ids)
  for _, id in ipairs(ids) do
    redis.call('DEL', ARGV[1] .. ':login:' .. id)
    if marker > 0 then redis.call('SET', ARGV[1] .. ':login-revoked:' .. id, '1', 'PX', marker) end
  end
end
finish(redis.call('ZRANGE', KEYS[1], 0, -1))
finish(redis.call('SMEMBERS', KEYS[3]))
redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[3])
return 1`;

export interface RedisJwtStateStoreOptions {
  readonly prefix?: string;
  readonly now?: () => number;
  /** Per-user cap on refresh families (default `MAX_FAMILIES_PER_USER`, as in memory). */
  readonly maxFamiliesPerUser?: number;
}

/** Shared state for every API process, in Redis (single node or cluster). */
export class RedisJwtStateStore implements JwtStateStore {
  private readonly keys: KeySpace;
  private readonly now: () => number;
  private readonly maxFamiliesPerUser: number;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisJwtStateStoreOptions = {},
  ) {
    this.keys = new KeySpace(options.prefix ?? 'authbench:jwt:');
    this.now = options.now ?? Date.now;
    const cap = options.maxFamiliesPerUser ?? MAX_FAMILIES_PER_USER;
    if (!Number.isSafeInteger(cap) || cap < 1) {
      throw new RangeError(`maxFamiliesPerUser must be a positive integer, got ${cap}`);
    }
    this.maxFamiliesPerUser = cap;
  }

  async isAccessRevoked(ref: AccessTokenRef): Promise<boolean> {
    const tokenKey = this.keys.token(ref.userId, ref.jti);
    const keys = [tokenKey, this.keys.cutoff(ref.userId)];
    if (ref.loginId !== null) keys.push(this.keys.loginRevoked(ref.userId, ref.loginId));
    const reply = await this.redis.command(tokenKey, ['MGET', ...keys], true);
    if (!Array.isArray(reply)) throw new TypeError('MGET answered something other than an array');
    const [token, cutoff, login] = reply as readonly RedisReply[];
    if (token !== null && token !== undefined) return true;
    if (login !== null && login !== undefined) return true;
    return cutoff !== null && cutoff !== undefined && ref.issuedAtMs <= Number(cutoff);
  }

  async revokeAccessToken(userId: string, jti: string, untilMs: number): Promise<void> {
    const ttl = untilMs - this.now();
    if (ttl <= 0) return;
    const key = this.keys.token(userId, jti);
    await this.redis.command(key, ['SET', key, '1', 'PX', String(ttl)]);
  }

  async startLogin(
    userId: string,
    loginId: string,
    refreshJti: string,
    untilMs: number,
    absoluteUntilMs: number,
  ): Promise<void> {
    const now = Math.floor(this.now());
    const until = Math.max(now + 1, Math.ceil(untilMs));
    await this.eval(
      START_LOGIN,
      [this.keys.login(userId, loginId), this.keys.families(userId)],
      [
        `${Math.ceil(absoluteUntilMs)}:${refreshJti}`,
        String(until - now),
        loginId,
        String(now),
        String(until),
        String(this.maxFamiliesPerUser),
        this.keys.user(userId),
      ],
    );
  }

  async rotateRefresh(
    userId: string,
    loginId: string,
    presentedJti: string,
    nextJti: string,
    untilMs: number,
    markerUntilMs: number | null,
  ): Promise<RotationOutcome> {
    const now = Math.floor(this.now());
    const until = Math.max(now + 1, Math.ceil(untilMs));
    const reply = await this.eval(ROTATE_REFRESH, this.loginKeys(userId, loginId), [
      presentedJti,
      nextJti,
      String(until - now),
      this.ttlOf(markerUntilMs),
      loginId,
      String(now),
      String(until),
    ]);
    if (reply === 'rotated' || reply === 'reused' || reply === 'unknown' || reply === 'expired') return reply;
    throw new TypeError(`refresh rotation script answered ${String(reply)}`);
  }

  async endLogin(userId: string, loginId: string, markerUntilMs: number | null): Promise<void> {
    await this.eval(END_LOGIN, this.loginKeys(userId, loginId), [loginId, this.ttlOf(markerUntilMs)]);
  }

  async endUser(userId: string, cutoff: UserCutoff | null, markerUntilMs: number | null): Promise<void> {
    await this.eval(
      END_USER,
      [this.keys.families(userId), this.keys.cutoff(userId), this.keys.legacyLogins(userId)],
      [
        this.keys.user(userId),
        String(cutoff?.atMs ?? 0),
        this.ttlOf(cutoff?.untilMs ?? null),
        this.ttlOf(markerUntilMs),
      ],
    );
  }

  async health(): Promise<Readonly<Record<string, StoreStatus>>> {
    return { redis: (await this.redis.ping()) ? 'up' : 'down' };
  }

  private loginKeys(userId: string, loginId: string): [string, string, string, string] {
    return [
      this.keys.login(userId, loginId),
      this.keys.families(userId),
      this.keys.loginRevoked(userId, loginId),
      this.keys.legacyLogins(userId),
    ];
  }

  /** A relative TTL for an absolute instant; '0' means "do not write". */
  private ttlOf(untilMs: number | null): string {
    return untilMs === null ? '0' : String(Math.max(0, untilMs - this.now()));
  }

  /** One script on keys of one user (one slot); routed by its first key. */
  private eval(
    script: string,
    keys: readonly [string, ...string[]],
    args: readonly string[],
  ): Promise<RedisReply> {
    return this.redis.command(keys[0], ['EVAL', script, String(keys.length), ...keys, ...args]);
  }
}
