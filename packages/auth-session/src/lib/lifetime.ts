import type { SessionRecord } from './session-record.js';

/**
 * The two timeouts, enforced by the app with the injected clock (the store's own expiry is
 * only garbage collection): idle (rolling, from the last recorded activity) and absolute
 * (from login, however active the session is).
 */
export class SessionLifetime {
  constructor(
    readonly idleMs: number,
    readonly absoluteMs: number,
    /** Refresh the recorded activity only when this much of the idle window has passed. */
    readonly touchAfterMs: number,
  ) {}

  absoluteDeadline(record: SessionRecord): number {
    return record.loginAt + this.absoluteMs;
  }

  idleDeadline(record: SessionRecord): number {
    return record.lastSeenAt + this.idleMs;
  }

  /** The instant the session ends unless refreshed (never later than the absolute cap). */
  expiresAt(record: SessionRecord): number {
    return Math.min(this.idleDeadline(record), this.absoluteDeadline(record));
  }

  isExpired(record: SessionRecord, now: number): boolean {
    return now >= this.expiresAt(record);
  }

  /**
   * Whether this request should move `lastSeenAt` (one store write). Between refreshes the
   * recorded activity lags by less than `touchAfterMs`, so a session may end up to that much
   * *earlier* than a per-request refresh would end it — never later.
   */
  refreshDue(record: SessionRecord, now: number): boolean {
    return now - record.lastSeenAt >= this.touchAfterMs;
  }

  /** Store expiry in whole seconds, rounded up so the store never drops a live session. */
  ttlSeconds(record: SessionRecord, now: number): number {
    return Math.max(0, Math.ceil((this.expiresAt(record) - now) / 1000));
  }
}
