import { AuthError } from '@authbench/auth-core';
import {
  BadData,
  BadPayload,
  BadSignature,
  SignatureExpired,
  URLSafeTimedSerializer,
} from '@authbench/itsdangerous';
import { parseClaims, type TokenClaims } from './claims.js';
import { MAX_PAYLOAD_BYTES, MAX_TOKEN_LENGTH } from './constants.js';
import type { TokenDigest } from './options.js';

/**
 * The shape of every `URLSafeTimedSerializer` token: `payload.timestamp.signature` in base64url,
 * the payload prefixed with `.` when compressed. Anything else is refused before any decoding.
 */
const TOKEN_SHAPE = /^\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface TokenCodecOptions {
  readonly secrets: readonly string[];
  readonly salt: string;
  readonly digest: TokenDigest;
  readonly ttlSeconds: number;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/** A freshly signed token. */
export interface EncodedToken {
  readonly token: string;
  /** The signing second (what the token's timestamp says). */
  readonly signedAt: Date;
  readonly expiresAt: Date;
}

/** A token whose signature, age and payload shape checked out (no store consulted yet). */
export interface DecodedToken {
  readonly claims: TokenClaims;
  readonly signedAt: Date;
  /** The first instant the token is refused as expired (see `expiresAtOf`). */
  readonly expiresAt: Date;
}

/**
 * itsdangerous measures age in whole seconds (`int(time()) - timestamp <= max_age`), so a token
 * signed at second `t` is accepted through the whole second `t + ttl` and first refused at
 * `t + ttl + 1`. That instant is its expiry: the denylist entry of a logout must live that long.
 */
export function expiresAtOf(signedAt: Date, ttlSeconds: number): Date {
  return new Date(signedAt.getTime() + (ttlSeconds + 1) * 1000);
}

/**
 * Whether a token that failed the signature check is a JWT (three base64url parts, the first
 * a JSON header with `alg`), so the refusal can say `wrong_strategy`. Only run on the failure
 * path, on input already bounded to 8 KiB.
 */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => part.length === 0)) return false;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return false;
    throw error;
  }
  return typeof header === 'object' && header !== null && typeof Reflect.get(header, 'alg') === 'string';
}

/** An itsdangerous refusal as the strategy's 401, keeping the library error as `cause`. */
function refusalFor(error: BadData, token: string): AuthError {
  if (error instanceof SignatureExpired) {
    return new AuthError(error.code === 'ERR_SIGNATURE_IN_FUTURE' ? 'not_yet_valid' : 'expired', {
      cause: error,
    });
  }
  // The signature was valid but the payload does not load (bad base64, zlib, UTF-8 or JSON, or
  // it inflates past 64 KiB): only a secret holder can get here, and it is still refused.
  if (error instanceof BadPayload) return new AuthError('invalid_claims', { cause: error });
  if (error instanceof BadSignature) {
    // A JWT fails here whatever the library makes of its middle part as a "timestamp".
    if (looksLikeJwt(token)) return new AuthError('wrong_strategy', { cause: error });
    if (error.code === 'ERR_SIGNATURE_MISMATCH') return new AuthError('invalid_signature', { cause: error });
  }
  // No separator, no or malformed timestamp, undecodable base64.
  return new AuthError('malformed_credential', { cause: error });
}

/**
 * Signs and checks tokens: itsdangerous `URLSafeTimedSerializer` with the configured secrets,
 * salt and digest (default key derivation, django-concat), plus this strategy's limits. Pure:
 * no store, so a benchmark can time the cryptographic part alone.
 */
export class SignedTokenCodec {
  readonly ttlSeconds: number;
  private readonly serializer: URLSafeTimedSerializer;
  private readonly now: () => number;
  /**
   * The clock reading of the current `encode`/`decode` call, in ms. Both are synchronous, so
   * the serializer and our own checks see one instant, never two readings a second apart.
   */
  private pinnedMs: number | null = null;

  constructor(options: TokenCodecOptions) {
    this.ttlSeconds = options.ttlSeconds;
    this.now = options.now;
    this.serializer = new URLSafeTimedSerializer(options.secrets, {
      salt: options.salt,
      signerKwargs: { digestMethod: options.digest },
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      now: () => (this.pinnedMs ?? this.now()) / 1000,
    });
  }

  /** Signs the claims with the newest secret at the current second. */
  encode(claims: TokenClaims): EncodedToken {
    const nowMs = this.now();
    this.pinnedMs = nowMs;
    try {
      // Key order is the contract's: `{"sub":…,"ver":…,"jti":…}`.
      const token = this.serializer.dumps({ sub: claims.sub, ver: claims.ver, jti: claims.jti });
      // The timestamp inside is the whole second, as itsdangerous writes it.
      const signedAt = new Date(Math.floor(nowMs / 1000) * 1000);
      return { token, signedAt, expiresAt: expiresAtOf(signedAt, this.ttlSeconds) };
    } finally {
      this.pinnedMs = null;
    }
  }

  /**
   * Checks a token's length and shape (before any decoding), signature (any secret), age,
   * timestamp (not after the current second) and payload shape.
   * @throws AuthError `malformed_credential`, `invalid_signature`, `wrong_strategy`, `expired`,
   *   `not_yet_valid` or `invalid_claims`, with the itsdangerous error as `cause` where there is one.
   */
  decode(token: string): DecodedToken {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
      throw new AuthError('malformed_credential');
    }
    const nowMs = this.now();
    let loaded: [unknown, Date];
    this.pinnedMs = nowMs;
    try {
      loaded = this.serializer.loads(token, { maxAge: this.ttlSeconds, returnTimestamp: true });
    } catch (error) {
      if (error instanceof BadData) throw refusalFor(error, token);
      throw error;
    } finally {
      this.pinnedMs = null;
    }
    const [value, signedAt] = loaded;
    // The library already refuses both (age < 0, age > maxAge); checked again here so the rule
    // does not hang on a library detail: no timestamp after the current second, and not at or
    // past the expiry instant.
    if (signedAt.getTime() > Math.floor(nowMs / 1000) * 1000) throw new AuthError('not_yet_valid');
    const expiresAt = expiresAtOf(signedAt, this.ttlSeconds);
    if (nowMs >= expiresAt.getTime()) throw new AuthError('expired');
    return { claims: parseClaims(value), signedAt, expiresAt };
  }
}
