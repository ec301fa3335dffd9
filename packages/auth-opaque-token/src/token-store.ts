/** What the server keeps per login: never the secret, only its SHA-256. */
export interface OpaqueTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  /** SHA-256 of the secret, base64url. */
  readonly secretHash: string;
  /** Login time, epoch ms. */
  readonly issuedAt: number;
  /** Epoch ms at which the token stops being valid (`issuedAt + OPAQUE_TTL`). */
  readonly expiresAt: number;
  /** Last successful use, epoch ms (in Redis to within `LAST_USE_RESOLUTION_MS`). */
  readonly lastUsedAt: number;
}

/** Where token records live: in process (bounded) or in Redis. */
export interface OpaqueTokenStore {
  readonly kind: 'memory' | 'redis';
  /** Stores a record that lives `ttlMs`, evicting the user's oldest beyond the per-user cap. */
  save(record: OpaqueTokenRecord, ttlMs: number): Promise<void>;
  /** The record named by `id`, or `null`. One read. */
  find(id: string): Promise<OpaqueTokenRecord | null>;
  /** Records a successful use (may be throttled). */
  touch(record: OpaqueTokenRecord, now: number): Promise<void>;
  delete(id: string, userId: string): Promise<void>;
  deleteAllOf(userId: string): Promise<void>;
  /** Records held, or `null` when counting would cost a scan (Redis). */
  count(): Promise<number | null>;
  /** `embedded`, or whether one read succeeds. */
  health(): Promise<'up' | 'down' | 'embedded'>;
}
