import type { StoreStatus } from '@authbench/auth-core';
import type { AccessTokenRef, JwtStateStore, RotationOutcome, UserCutoff } from './jwt-state-store.js';

/**
 * Refresh families one user may hold at once. A person has a handful of devices and browsers;
 * 100 leaves room for scripts and forgotten tabs while one account can never hold more than
 * ~100 records (about 25 KB), however often it logs in. Beyond it the user's least recently
 * used family ends: only that user's stalest login has to log in again.
 */
export const MAX_FAMILIES_PER_USER = 100;

/**
 * Refresh families this process holds in total. Measured: ~230 bytes a family when users hold
 * several, ~880 bytes for a user's only one (the per-user maps), so 45–175 MB at the cap.
 * 200 000 live logins of the last 14 days is past what one in-process deployment serves
 * (larger ones share state in Redis, `REDIS_URL`), and reaching it with fake logins takes
 * 2 000 accounts at their per-user cap. At the cap the least recently used family of all
 * ends (its owner logs in again); a login is never refused.
 */
export const MAX_FAMILIES = 200_000;

/** Users whose expired entries are pruned per write, walking all users in turn. */
const SWEEP_USERS_PER_WRITE = 2;

/** One refresh family (login); also a node of the store-wide least-recently-used list. */
interface Family {
  readonly owner: UserState;
  readonly loginId: string;
  current: string;
  /** When the family expires unless refreshed (each rotation moves it). */
  untilMs: number;
  /** When the family stops refreshing, however often it was refreshed. */
  readonly absoluteUntilMs: number;
  older: Family | null;
  newer: Family | null;
}

/** Everything kept for one user, so a request costs one map look-up. */
interface UserState {
  readonly userId: string;
  cutoff: UserCutoff | null;
  readonly revokedTokens: Map<string, number>;
  readonly revokedLogins: Map<string, number>;
  /** Least recently used first (a rotation re-inserts); never more than `maxFamiliesPerUser`. */
  readonly logins: Map<string, Family>;
}

export interface MemoryJwtStateStoreOptions {
  readonly now?: () => number;
  /** Per-user cap on refresh families (default `MAX_FAMILIES_PER_USER`). */
  readonly maxFamiliesPerUser?: number;
  /** Store-wide cap on refresh families (default `MAX_FAMILIES`). */
  readonly maxFamilies?: number;
}

export interface JwtStateStats {
  readonly users: number;
  readonly logins: number;
  readonly revokedTokens: number;
  readonly revokedLogins: number;
  readonly cutoffs: number;
}

function positiveCap(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Drops expired entries from the oldest end, stopping at the first live one: O(expired). */
function pruneFront(map: Map<string, number>, now: number): void {
  for (const [key, untilMs] of map) {
    if (untilMs > now) return;
    map.delete(key);
  }
}

function pruneMap(map: Map<string, number>, now: number): void {
  for (const [key, untilMs] of map) if (untilMs <= now) map.delete(key);
}

/**
 * In-process state for one API process. Every check-and-set runs synchronously between two
 * awaits, so concurrent refreshes in this process are serialised by the event loop.
 *
 * Bounded, O(1) per operation: families sit in a per-user map (at most `maxFamiliesPerUser`)
 * and in one store-wide doubly linked list in least-recently-used order (a `Map` whose oldest
 * entries are deleted again and again makes "find the oldest" walk the deleted slots, so the
 * order is kept by pointers). Both caps evict from the least recently used end. Expired
 * families are pruned from that end on every write; denylist entries expire with the tokens
 * they concern and are pruned a few users per write (`stats()` sweeps everything).
 */
export class MemoryJwtStateStore implements JwtStateStore {
  private readonly users = new Map<string, UserState>();
  private readonly now: () => number;
  private readonly maxFamiliesPerUser: number;
  private readonly maxFamilies: number;
  private oldest: Family | null = null;
  private newest: Family | null = null;
  private familyCount = 0;
  private cursor: Iterator<[string, UserState]> = this.users.entries();

  constructor(options: MemoryJwtStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxFamiliesPerUser = positiveCap(
      options.maxFamiliesPerUser ?? MAX_FAMILIES_PER_USER,
      'maxFamiliesPerUser',
    );
    this.maxFamilies = positiveCap(options.maxFamilies ?? MAX_FAMILIES, 'maxFamilies');
  }

  async isAccessRevoked(ref: AccessTokenRef): Promise<boolean> {
    const state = this.users.get(ref.userId);
    if (state === undefined) return false;
    const now = this.now();
    const { cutoff } = state;
    if (cutoff !== null && cutoff.untilMs > now && ref.issuedAtMs <= cutoff.atMs) return true;
    const tokenUntil = state.revokedTokens.get(ref.jti);
    if (tokenUntil !== undefined && tokenUntil > now) return true;
    if (ref.loginId === null) return false;
    const loginUntil = state.revokedLogins.get(ref.loginId);
    return loginUntil !== undefined && loginUntil > now;
  }

  async revokeAccessToken(userId: string, jti: string, untilMs: number): Promise<void> {
    if (untilMs <= this.now()) return;
    const state = this.writable(userId);
    state.revokedTokens.set(jti, Math.max(untilMs, state.revokedTokens.get(jti) ?? 0));
  }

  async startLogin(
    userId: string,
    loginId: string,
    refreshJti: string,
    untilMs: number,
    absoluteUntilMs: number,
  ): Promise<void> {
    const state = this.writable(userId);
    const previous = state.logins.get(loginId);
    if (previous !== undefined) this.unlink(previous);
    const family: Family = {
      owner: state,
      loginId,
      current: refreshJti,
      untilMs,
      absoluteUntilMs,
      older: null,
      newer: null,
    };
    this.link(family);
    for (const [, stalest] of state.logins) {
      if (state.logins.size <= this.maxFamiliesPerUser) break;
      this.unlink(stalest);
    }
    while (this.familyCount > this.maxFamilies && this.oldest !== null) this.unlink(this.oldest);
  }

  async rotateRefresh(
    userId: string,
    loginId: string,
    presentedJti: string,
    nextJti: string,
    untilMs: number,
    markerUntilMs: number | null,
  ): Promise<RotationOutcome> {
    // No await from here to the return: the check and the set are one step.
    const state = this.users.get(userId);
    const family = state?.logins.get(loginId);
    if (state === undefined || family === undefined) return 'unknown';
    const now = this.now();
    if (family.untilMs <= now) {
      this.unlink(family);
      return 'unknown';
    }
    if (family.current !== presentedJti) {
      // Theft signal first: a spent token ends the login and its access tokens, whatever its age.
      this.end(state, loginId, markerUntilMs);
      return 'reused';
    }
    if (family.absoluteUntilMs <= now) {
      // Like a refresh token that expired: the login ends, its access tokens run out by `exp`.
      this.unlink(family);
      return 'expired';
    }
    family.current = nextJti;
    family.untilMs = untilMs;
    this.unlink(family);
    this.link(family);
    return 'rotated';
  }

  async endLogin(userId: string, loginId: string, markerUntilMs: number | null): Promise<void> {
    this.end(this.writable(userId), loginId, markerUntilMs);
  }

  async endUser(userId: string, cutoff: UserCutoff | null, markerUntilMs: number | null): Promise<void> {
    const state = this.writable(userId);
    if (cutoff !== null) {
      const previous = state.cutoff;
      state.cutoff = {
        atMs: Math.max(cutoff.atMs, previous?.atMs ?? 0),
        untilMs: Math.max(cutoff.untilMs, previous?.untilMs ?? 0),
      };
    }
    for (const loginId of [...state.logins.keys()]) this.end(state, loginId, markerUntilMs);
  }

  async health(): Promise<Readonly<Record<string, StoreStatus>>> {
    return { 'jwt-state': 'embedded' };
  }

  /** Refresh families the user holds now (at most `maxFamiliesPerUser`; expired ones included until pruned). */
  loginsOf(userId: string): number {
    return this.users.get(userId)?.logins.size ?? 0;
  }

  /** Live entries: the server state this process holds (benchmarks, tests; O(entries)). */
  stats(): JwtStateStats {
    const now = this.now();
    let logins = 0;
    let revokedTokens = 0;
    let revokedLogins = 0;
    let cutoffs = 0;
    for (const [userId, state] of this.users) {
      this.pruneUser(state, now);
      pruneMap(state.revokedTokens, now);
      pruneMap(state.revokedLogins, now);
      for (const family of [...state.logins.values()]) if (family.untilMs <= now) this.unlink(family);
      if (this.isEmpty(state)) {
        this.users.delete(userId);
        continue;
      }
      logins += state.logins.size;
      revokedTokens += state.revokedTokens.size;
      revokedLogins += state.revokedLogins.size;
      if (state.cutoff !== null) cutoffs += 1;
    }
    return { users: this.users.size, logins, revokedTokens, revokedLogins, cutoffs };
  }

  private end(state: UserState, loginId: string, markerUntilMs: number | null): void {
    const family = state.logins.get(loginId);
    if (family !== undefined) this.unlink(family);
    if (markerUntilMs !== null && markerUntilMs > this.now()) {
      state.revokedLogins.set(loginId, Math.max(markerUntilMs, state.revokedLogins.get(loginId) ?? 0));
    }
  }

  /** Appends a family at the most recently used end of both orders. */
  private link(family: Family): void {
    family.owner.logins.set(family.loginId, family);
    family.older = this.newest;
    family.newer = null;
    if (this.newest === null) this.oldest = family;
    else this.newest.newer = family;
    this.newest = family;
    this.familyCount += 1;
  }

  private unlink(family: Family): void {
    if (family.owner.logins.get(family.loginId) !== family) return;
    family.owner.logins.delete(family.loginId);
    if (family.older === null) this.oldest = family.newer;
    else family.older.newer = family.newer;
    if (family.newer === null) this.newest = family.older;
    else family.newer.older = family.older;
    family.older = null;
    family.newer = null;
    this.familyCount -= 1;
  }

  /** The user's state, created if needed; each write also prunes expired entries a little. */
  private writable(userId: string): UserState {
    const now = this.now();
    // Least recently used first, so expired families gather at the front.
    while (this.oldest !== null && this.oldest.untilMs <= now) this.unlink(this.oldest);
    this.sweepStep(now);
    let state = this.users.get(userId);
    if (state === undefined) {
      state = { userId, cutoff: null, revokedTokens: new Map(), revokedLogins: new Map(), logins: new Map() };
      this.users.set(userId, state);
    } else {
      this.pruneUser(state, now);
    }
    return state;
  }

  /** Front pruning only: each map is in (close to) expiry order, so this is O(expired). */
  private pruneUser(state: UserState, now: number): void {
    if (state.cutoff !== null && state.cutoff.untilMs <= now) state.cutoff = null;
    pruneFront(state.revokedTokens, now);
    pruneFront(state.revokedLogins, now);
  }

  /** Visits the next few users (round robin) and forgets those left with nothing. */
  private sweepStep(now: number): void {
    for (let visited = 0; visited < SWEEP_USERS_PER_WRITE; visited += 1) {
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = this.users.entries();
        return;
      }
      const [userId, state] = next.value;
      this.pruneUser(state, now);
      if (this.isEmpty(state)) this.users.delete(userId);
    }
  }

  private isEmpty(state: UserState): boolean {
    return (
      state.cutoff === null &&
      state.revokedTokens.size === 0 &&
      state.revokedLogins.size === 0 &&
      state.logins.size === 0
    );
  }
}
