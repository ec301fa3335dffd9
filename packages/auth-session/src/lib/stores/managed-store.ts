import type { StoreStatus } from '@authbench/auth-core';
import type { Cookie, SessionData, Store } from 'express-session';
import type { SessionRecord } from '../session-record.js';

/** What this package needs from a store beyond express-session's `Store` contract. */
export interface SessionStoreExtras {
  readonly kind: 'memory' | 'redis';
  /** The store named in `StoreUnavailableError` and `/health`. */
  readonly storeName: string;
  /** Ends every session of the user (the per-user index); returns how many ids it held. */
  revokeAll(userId: string): Promise<number>;
  /** Drops one id from the user's index after its record was destroyed. */
  forget(userId: string, sessionId: string): Promise<void>;
  /** Live sessions: the server state the strategy holds (for benchmarks; O(n) on Redis). */
  count(): Promise<number>;
  health(): Promise<Readonly<Record<string, StoreStatus>>>;
}

export type ManagedSessionStore = Store & SessionStoreExtras;

/** A stored session as express-session wants it back: our record plus the cookie data it expects. */
export type StoredSession = SessionData & SessionRecord;

/** The cookie data express-session keeps in a session; constant here (no `Max-Age`), so not stored. */
export function cookieData(secure: boolean): Cookie {
  return { originalMaxAge: null, path: '/', httpOnly: true, sameSite: 'lax', secure };
}

export type StoreCallback = (error?: unknown) => void;

/** express-session stores answer through optional callbacks; without one, errors throw. */
export function finish(callback: StoreCallback | undefined, error?: unknown): void {
  if (callback !== undefined) {
    callback(error);
    return;
  }
  if (error !== undefined) throw error;
}

/**
 * express-session saves a regenerated session once more at the end of the request (it does
 * not track saves of a session created by `regenerate`). The strategy has already saved it,
 * so the second save is skipped when the content is unchanged: no extra write, and no
 * resurrection of a session that `revokeAll` ended in between.
 */
export class WrittenSessions {
  private readonly written = new WeakMap<object, string>();

  isUnchanged(session: object, serialized: string): boolean {
    return this.written.get(session) === serialized;
  }

  remember(session: object, serialized: string): void {
    this.written.set(session, serialized);
  }
}
