import type { StoreStatus } from '@authbench/auth-core';
import session, { type SessionData } from 'express-session';
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

/**
 * The in-process store (`REDIS_URL` unset): one process only, gone on restart.
 *
 * Unlike express-session's `MemoryStore` it cannot grow without bound:
 * - expired sessions are pruned: the least recently active ones on every write (cheap: the
 *   map is kept in activity order), all of them when the store is full or counted, and any
 *   one a request presents (the strategy answers `expired` and destroys it);
 * - at `maxSessions` live sessions, a new login **evicts the least recently active session**
 *   (its owner must log in again) rather than refusing the login: refusing would let anyone
 *   who fills the store lock every user out until sessions expire, while eviction only
 *   ever logs someone out, never in.
 */
export class BoundedMemoryStore extends session.Store implements SessionStoreExtras {
  readonly kind = 'memory';
  readonly storeName = 'sessions';
  /** Insertion order = least recently active first (a refresh re-inserts). */
  private readonly records = new Map<string, SessionRecord>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly written = new WrittenSessions();

  constructor(
    private readonly lifetime: SessionLifetime,
    private readonly now: () => number,
    private readonly maxSessions: number,
    private readonly cookieSecure: boolean,
  ) {
    super();
  }

  /**
   * Returns an expired record too, like Redis may until its TTL fires: the strategy decides
   * with its timeouts, answers `expired` and destroys it.
   */
  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    const record = this.records.get(sid);
    callback(null, record === undefined ? null : this.toSession(record));
  }

  override set(sid: string, sess: SessionData, callback?: StoreCallback): void {
    const record = readRecord(sess);
    if (record === null) {
      finish(callback, new TypeError('refusing to store a session without a login record'));
      return;
    }
    const serialized = serializeRecord(record);
    if (!this.written.isUnchanged(sess, serialized)) {
      this.insert(sid, record);
      this.written.remember(sess, serialized);
    }
    finish(callback);
  }

  /** Called by express-session after a request that used the session without changing it. */
  override touch(sid: string, sess: SessionData, callback?: StoreCallback): void {
    const now = this.now();
    const stored = this.records.get(sid);
    // Only an existing record is refreshed: a session destroyed meanwhile stays destroyed.
    if (
      readRecord(sess) !== null &&
      stored !== undefined &&
      this.lifetime.refreshDue(stored, now) &&
      !this.lifetime.isExpired(stored, now)
    ) {
      this.insert(sid, { ...stored, lastSeenAt: now });
    }
    finish(callback);
  }

  override destroy(sid: string, callback?: StoreCallback): void {
    this.remove(sid);
    finish(callback);
  }

  override length(callback: (error: unknown, length?: number) => void): void {
    this.pruneAll();
    callback(null, this.records.size);
  }

  override clear(callback?: StoreCallback): void {
    this.records.clear();
    this.byUser.clear();
    finish(callback);
  }

  async revokeAll(userId: string): Promise<number> {
    const ids = [...(this.byUser.get(userId) ?? [])];
    for (const sid of ids) this.remove(sid);
    this.byUser.delete(userId);
    return ids.length;
  }

  async forget(): Promise<void> {
    // `destroy` already removed the id from its user's index.
  }

  async count(): Promise<number> {
    this.pruneAll();
    return this.records.size;
  }

  async health(): Promise<Readonly<Record<string, StoreStatus>>> {
    return { sessions: 'embedded' };
  }

  private toSession(record: SessionRecord): StoredSession {
    // A fresh object per read: express-session mutates the session it is given.
    return { cookie: cookieData(this.cookieSecure), ...record };
  }

  private insert(sid: string, record: SessionRecord): void {
    this.records.delete(sid);
    this.records.set(sid, record);
    let ids = this.byUser.get(record.userId);
    if (ids === undefined) {
      ids = new Set();
      this.byUser.set(record.userId, ids);
    }
    ids.add(sid);
    this.pruneOldest();
    if (this.records.size > this.maxSessions) this.pruneAll();
    for (const oldest of this.records.keys()) {
      if (this.records.size <= this.maxSessions) break;
      this.remove(oldest);
    }
  }

  private remove(sid: string): void {
    const record = this.records.get(sid);
    if (record === undefined) return;
    this.records.delete(sid);
    const ids = this.byUser.get(record.userId);
    ids?.delete(sid);
    if (ids?.size === 0) this.byUser.delete(record.userId);
  }

  /** Drops expired sessions from the least recently active end, stopping at the first live one. */
  private pruneOldest(): void {
    const now = this.now();
    for (const [sid, record] of this.records) {
      if (!this.lifetime.isExpired(record, now)) return;
      this.remove(sid);
    }
  }

  private pruneAll(): void {
    const now = this.now();
    for (const [sid, record] of this.records) {
      if (this.lifetime.isExpired(record, now)) this.remove(sid);
    }
  }
}
