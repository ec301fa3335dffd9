import { AuthError, type AuthStrategy, type CredentialRequest } from '@authbench/auth-core';

/**
 * What the page may learn about the caller's own session: who, when, and until when — the
 * record the server keeps for the cookie. Built from an allow-list of fields, so whatever
 * else a store or a future version keeps never reaches the page, and the session id is cut
 * to a prefix (the full id is the credential).
 */
export interface SessionRecordView {
  /** The first characters of the session id, enough to tell two logins apart. */
  readonly sessionId: string;
  /** Where the record lives (`memory`, `redis`), when the strategy says. */
  readonly store: string | null;
  readonly record: {
    readonly userId: string;
    readonly username: string;
    /** Epoch milliseconds. */
    readonly loginAt: number | null;
    readonly lastSeenAt: number | null;
  };
  /** When the session ends unless used again (idle timeout, never after the absolute cap). */
  readonly expiresAt: number | null;
  /** When the session ends however active it is. */
  readonly absoluteExpiresAt: number | null;
  /** The server's clock when it answered, so the page can count down without clock skew. */
  readonly now: number;
  /** `store`: the strategy's own read of its store; `principal`: what authentication returned. */
  readonly source: 'store' | 'principal';
}

/**
 * The optional read the session strategy offers (`SessionStrategy.inspect` of
 * @authbench/auth-session; not part of `AuthStrategy`, only a demo needs it). It reads the
 * record behind a credential and refuses with `AuthError` like `verify`.
 */
interface InspectableStrategy extends AuthStrategy {
  inspect(credential: string): Promise<unknown>;
}

function isInspectable(strategy: AuthStrategy): strategy is InspectableStrategy {
  return typeof (strategy as Partial<InspectableStrategy>).inspect === 'function';
}

export const SESSION_ID_PREFIX_LENGTH = 6;

export function sessionIdPrefix(sessionId: string): string {
  return `${sessionId.slice(0, SESSION_ID_PREFIX_LENGTH)}…`;
}

/** Epoch ms from a number, a Date or an ISO string; anything else is absent. */
function epochMsOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime();
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function field(source: unknown, name: string): unknown {
  return typeof source === 'object' && source !== null
    ? (source as Record<string, unknown>)[name]
    : undefined;
}

function stringField(source: unknown, name: string): string | null {
  const value = field(source, name);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Reads the caller's session through the session strategy and reduces it to
 * `SessionRecordView`. Authentication comes first: it refuses a missing, forged, revoked or
 * expired cookie with the strategy's own reason, and names the session (its id) — so the
 * view can only ever describe the session of the cookie that came with the request.
 */
export class SessionInspector {
  constructor(
    private readonly strategy: AuthStrategy,
    private readonly now: () => number,
  ) {}

  async inspect(request: CredentialRequest): Promise<SessionRecordView> {
    const credential = this.strategy.credentialOf(request);
    if (credential === undefined) throw new AuthError('missing_credential');
    const principal = await this.strategy.verify(credential);
    const sessionId = sessionIdPrefix(principal.credentialId);
    const inspected = isInspectable(this.strategy) ? await this.strategy.inspect(credential) : undefined;
    const record = field(inspected, 'record');
    const userId = stringField(record, 'userId');
    const username = stringField(record, 'username');
    // Only a record of the authenticated user is shown; anything else is not this session.
    if (userId === principal.userId && username !== null) {
      return {
        sessionId,
        store: stringField(inspected, 'store'),
        record: {
          userId,
          username,
          loginAt: epochMsOf(field(record, 'loginAt')),
          lastSeenAt: epochMsOf(field(record, 'lastSeenAt')),
        },
        expiresAt: epochMsOf(field(inspected, 'idleExpiresAt') ?? field(inspected, 'expiresAt')),
        absoluteExpiresAt: epochMsOf(field(inspected, 'absoluteExpiresAt')),
        now: this.now(),
        source: 'store',
      };
    }
    // No store read offered (or a shape this page does not know): what authentication itself
    // established, which comes from the same record.
    return {
      sessionId,
      store: null,
      record: {
        userId: principal.userId,
        username: principal.username,
        loginAt: principal.issuedAt.getTime(),
        lastSeenAt: null,
      },
      expiresAt: null,
      absoluteExpiresAt: principal.expiresAt?.getTime() ?? null,
      now: this.now(),
      source: 'principal',
    };
  }
}
