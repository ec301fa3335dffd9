import type { StoreStatus } from '@authbench/auth-core';
import type { AccessTokenRef, JwtStateStore, RotationOutcome, UserCutoff } from './jwt-state-store.js';

interface Login {
  current: string;
  untilMs: number;
}

/** Everything kept for one user, so a request costs one map look-up. */
interface UserState {
  cutoff: UserCutoff | null;
  readonly revokedTokens: Map<string, number>;
  readonly revokedLogins: Map<string, number>;
  readonly logins: Map<string, Login>;
}

export interface MemoryJwtStateStoreOptions {
  readonly now?: () => number;
  /** Writes between full sweeps of expired entries (each write also prunes its own user). */
  readonly sweepEvery?: number;
}

export interface JwtStateStats {
  readonly users: number;
  readonly logins: number;
  readonly revokedTokens: number;
  readonly revokedLogins: number;
  readonly cutoffs: number;
}

function pruneMap(map: Map<string, number>, now: number): void {
  for (const [key, untilMs] of map) if (untilMs <= now) map.delete(key);
}

/**
 * In-process state for one API process. Every check-and-set runs synchronously between two
 * awaits, so concurrent refreshes in this process are serialised by the event loop.
 */
export class MemoryJwtStateStore implements JwtStateStore {
  private readonly users = new Map<string, UserState>();
  private readonly now: () => number;
  private readonly sweepEvery: number;
  private writes = 0;

  constructor(options: MemoryJwtStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sweepEvery = options.sweepEvery ?? 1024;
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

  async startLogin(userId: string, loginId: string, refreshJti: string, untilMs: number): Promise<void> {
    this.writable(userId).logins.set(loginId, { current: refreshJti, untilMs });
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
    const login = state?.logins.get(loginId);
    if (state === undefined || login === undefined || login.untilMs <= this.now()) return 'unknown';
    if (login.current !== presentedJti) {
      this.end(state, loginId, markerUntilMs);
      return 'reused';
    }
    login.current = nextJti;
    login.untilMs = untilMs;
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

  /** Live entries: the server state this process holds (read by the benchmarks). */
  stats(): JwtStateStats {
    this.sweep();
    let logins = 0;
    let revokedTokens = 0;
    let revokedLogins = 0;
    let cutoffs = 0;
    for (const state of this.users.values()) {
      logins += state.logins.size;
      revokedTokens += state.revokedTokens.size;
      revokedLogins += state.revokedLogins.size;
      if (state.cutoff !== null) cutoffs += 1;
    }
    return { users: this.users.size, logins, revokedTokens, revokedLogins, cutoffs };
  }

  private end(state: UserState, loginId: string, markerUntilMs: number | null): void {
    state.logins.delete(loginId);
    if (markerUntilMs !== null && markerUntilMs > this.now()) {
      state.revokedLogins.set(loginId, Math.max(markerUntilMs, state.revokedLogins.get(loginId) ?? 0));
    }
  }

  /** The user's state, created if needed, pruned of expired entries; sweeps everyone now and then. */
  private writable(userId: string): UserState {
    this.writes += 1;
    if (this.writes % this.sweepEvery === 0) this.sweep();
    let state = this.users.get(userId);
    if (state === undefined) {
      state = { cutoff: null, revokedTokens: new Map(), revokedLogins: new Map(), logins: new Map() };
      this.users.set(userId, state);
    } else {
      this.prune(state, this.now());
    }
    return state;
  }

  private prune(state: UserState, now: number): void {
    if (state.cutoff !== null && state.cutoff.untilMs <= now) state.cutoff = null;
    pruneMap(state.revokedTokens, now);
    pruneMap(state.revokedLogins, now);
    for (const [loginId, login] of state.logins) if (login.untilMs <= now) state.logins.delete(loginId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [userId, state] of this.users) {
      this.prune(state, now);
      const empty =
        state.cutoff === null &&
        state.revokedTokens.size === 0 &&
        state.revokedLogins.size === 0 &&
        state.logins.size === 0;
      if (empty) this.users.delete(userId);
    }
  }
}
