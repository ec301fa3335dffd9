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
 * Sessions one user may hold at once. A person uses a few browsers; sessions also end after
 * `SESSION_TTL` idle and `SESSION_ABSOLUTE_TTL`, so 100 live ones is already a script or an
 * attack. Beyond it the user's oldest session (first logged in) ends: only that user is
 * logged out, and one account can never fill the store and push out everybody else.
 * The Redis store applies the same cap through its per-user index.
 */
export const MAX_SESSIONS_PER_USER = 100;

/** A stored session; also a node of the least-recently-active list. */
interface Entry {
  readonly sid: string;
  record: SessionRecord;
  older: Entry | null;
  newer: Entry | null;
}

/**
 * The in-process store (`REDIS_URL` unset): one process only, gone on restart.
 *
 * Unlike express-session's `MemoryStore` it cannot grow without bound, and every operation
 * is O(1) (amortised):
 * - sessions are kept in a doubly linked list in activity order (a refresh moves one to the
 *   recent end). A `Map` used that way (delete the first key, append) walks every deleted slot
 *   to find its first live key, so each eviction got slower as the store filled;
 * - expired sessions are pruned from the least recently active end on every write (stopping
 *   at the first live one), all of them when counted, and any one a request presents (the
 *   strategy answers `expired` and destroys it);
 * - a user holds at most `maxSessionsPerUser` sessions: beyond it **that user's oldest
 *   session** ends, so one account logging in again and again only churns its own sessions;
 * - at `maxSessions` live sessions, a new login **evicts the least recently active session**
 *   (its owner must log in again) rather than refusing the login: refusing would let anyone
 *   who fills the store lock every user out until sessions expire, while eviction only
 *   ever logs someone out, never in. Filling it now takes `maxSessions / maxSessionsPerUser`
 *   accounts (1 000 at the defaults).
 */
export class BoundedMemoryStore extends session.Store implements SessionStoreExtras {
  readonly kind = 'memory';
  readonly storeName = 'sessions';
  private readonly records = new Map<string, Entry>();
  /** Each user's session ids, oldest login first. */
  private readonly byUser = new Map<string, Set<string>>();
  private readonly written = new WrittenSessions();
  private oldest: Entry | null = null;
  private newest: Entry | null = null;

  constructor(
    private readonly lifetime: SessionLifetime,
    private readonly now: () => number,
    private readonly maxSessions: number,
    private readonly cookieSecure: boolean,
    private readonly maxSessionsPerUser: number = MAX_SESSIONS_PER_USER,
  ) {
    super();
    if (!Number.isSafeInteger(maxSessionsPerUser) || maxSessionsPerUser < 1) {
      throw new RangeError(`maxSessionsPerUser must be a positive integer, got ${maxSessionsPerUser}`);
    }
  }

  /**
   * Returns an expired record too, like Redis may until its TTL fires: the strategy decides
   * with its timeouts, answers `expired` and destroys it.
   */
  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    const entry = this.records.get(sid);
    callback(null, entry === undefined ? null : this.toSession(entry.record));
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
    const stored = this.records.get(sid)?.record;
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
    this.oldest = null;
    this.newest = null;
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

  /** Sessions the user holds now (at most `maxSessionsPerUser`). */
  sessionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
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
    const existing = this.records.get(sid);
    if (existing !== undefined && existing.record.userId !== record.userId) this.remove(sid);
    const entry = this.records.get(sid) ?? { sid, record, older: null, newer: null };
    entry.record = record;
    this.unlink(entry);
    this.link(entry);
    this.records.set(sid, entry);
    let ids = this.byUser.get(record.userId);
    if (ids === undefined) {
      ids = new Set();
      this.byUser.set(record.userId, ids);
    }
    ids.add(sid);
    this.pruneOldest();
    // At most maxSessionsPerUser (≤ 100) steps; the set never holds more than the cap plus one.
    for (const oldestOfUser of ids) {
      if (ids.size <= this.maxSessionsPerUser) break;
      if (oldestOfUser !== sid) this.remove(oldestOfUser);
    }
    while (this.records.size > this.maxSessions && this.oldest !== null) this.remove(this.oldest.sid);
  }

  private link(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest === null) this.oldest = entry;
    else this.newest.newer = entry;
    this.newest = entry;
  }

  /** Takes an entry out of the activity list (a no-op for one not in it). */
  private unlink(entry: Entry): void {
    if (entry.older === null && this.oldest !== entry) return;
    if (entry.older === null) this.oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === null) this.newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  private remove(sid: string): void {
    const entry = this.records.get(sid);
    if (entry === undefined) return;
    this.unlink(entry);
    this.records.delete(sid);
    const ids = this.byUser.get(entry.record.userId);
    ids?.delete(sid);
    if (ids?.size === 0) this.byUser.delete(entry.record.userId);
  }

  /** Drops expired sessions from the least recently active end, stopping at the first live one. */
  private pruneOldest(): void {
    const now = this.now();
    while (this.oldest !== null && this.lifetime.isExpired(this.oldest.record, now)) {
      this.remove(this.oldest.sid);
    }
  }

  private pruneAll(): void {
    const now = this.now();
    for (const [sid, entry] of this.records) {
      if (this.lifetime.isExpired(entry.record, now)) this.remove(sid);
    }
  }
}
