import type { StoreStatus } from '@authbench/auth-core';
import type { RedisConnection, RedisReply } from '@authbench/auth-stores';
import type { AccessTokenRef, JwtStateStore, RotationOutcome, UserCutoff } from './jwt-state-store.js';

/**
 * Redis layout. Every key of a user shares the hash tag `{base64url(userId)}`, so in a Redis
 * Cluster they live in one slot: the per-request check is one MGET, and logout-all is one
 * script that ends every login of the user atomically. (base64url keeps `{`, `}` and `:` of
 * an id out of the key syntax.)
 *
 *   <prefix>{u}:token:<jti>           revoked access token, until its exp      (denylist)
 *   <prefix>{u}:cutoff                logout-all time in ms                    (denylist)
 *   <prefix>{u}:login:<sid>           current refresh jti of a live login
 *   <prefix>{u}:login-revoked:<sid>   ended login, until its access tokens expire (denylist)
 *   <prefix>{u}:logins                set of the user's login ids
 *
 * TTLs are relative (PX) and computed on the injected clock, so the store follows the same
 * time as the verifier even when tests freeze it.
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

  logins(userId: string): string {
    return `${this.user(userId)}:logins`;
  }
}

// KEYS: login, logins. ARGV: refresh jti, ttl ms, login id.
const START_LOGIN = `
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1`;

// KEYS: login, logins, login-revoked. ARGV: presented jti, next jti, ttl ms, marker ttl ms (0: none), login id.
const ROTATE_REFRESH = `
local current = redis.call('GET', KEYS[1])
if not current then return 'unknown' end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[5])
  local marker = tonumber(ARGV[4])
  if marker > 0 then redis.call('SET', KEYS[3], '1', 'PX', marker) end
  return 'reused'
end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 'rotated'`;

// KEYS: login, logins, login-revoked. ARGV: login id, marker ttl ms (0: none).
const END_LOGIN = `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
local marker = tonumber(ARGV[2])
if marker > 0 then redis.call('SET', KEYS[3], '1', 'PX', marker) end
return 1`;

// KEYS: logins, cutoff. ARGV: user key prefix, cutoff ms, cutoff ttl ms (0: none), marker ttl ms (0: none).
// The per-login keys are derived from the user prefix: same hash tag, hence the same slot.
const END_USER = `
local cutoffTtl = tonumber(ARGV[3])
if cutoffTtl > 0 then
  local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
  local at = tonumber(ARGV[2])
  if previous > at then at = previous end
  redis.call('SET', KEYS[2], string.format('%.0f', at), 'PX', cutoffTtl)
end
local marker = tonumber(ARGV[4])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('DEL', ARGV[1] .. ':login:' .. id)
  if marker > 0 then redis.call('SET', ARGV[1] .. ':login-revoked:' .. id, '1', 'PX', marker) end
end
redis.call('DEL', KEYS[1])
return 1`;

export interface RedisJwtStateStoreOptions {
  readonly prefix?: string;
  readonly now?: () => number;
}

/** Shared state for every API process, in Redis (single node or cluster). */
export class RedisJwtStateStore implements JwtStateStore {
  private readonly keys: KeySpace;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisJwtStateStoreOptions = {},
  ) {
    this.keys = new KeySpace(options.prefix ?? 'authbench:jwt:');
    this.now = options.now ?? Date.now;
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

  async startLogin(userId: string, loginId: string, refreshJti: string, untilMs: number): Promise<void> {
    const ttl = Math.max(1, untilMs - this.now());
    await this.eval(
      START_LOGIN,
      [this.keys.login(userId, loginId), this.keys.logins(userId)],
      [refreshJti, String(ttl), loginId],
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
    const reply = await this.eval(
      ROTATE_REFRESH,
      [this.keys.login(userId, loginId), this.keys.logins(userId), this.keys.loginRevoked(userId, loginId)],
      [presentedJti, nextJti, String(Math.max(1, untilMs - this.now())), this.ttlOf(markerUntilMs), loginId],
    );
    if (reply === 'rotated' || reply === 'reused' || reply === 'unknown') return reply;
    throw new TypeError(`refresh rotation script answered ${String(reply)}`);
  }

  async endLogin(userId: string, loginId: string, markerUntilMs: number | null): Promise<void> {
    await this.eval(
      END_LOGIN,
      [this.keys.login(userId, loginId), this.keys.logins(userId), this.keys.loginRevoked(userId, loginId)],
      [loginId, this.ttlOf(markerUntilMs)],
    );
  }

  async endUser(userId: string, cutoff: UserCutoff | null, markerUntilMs: number | null): Promise<void> {
    await this.eval(
      END_USER,
      [this.keys.logins(userId), this.keys.cutoff(userId)],
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
