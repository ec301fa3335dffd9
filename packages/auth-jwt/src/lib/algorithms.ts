/** The algorithms `JWT_ALG` may name (CONTRACT §1). Exactly one is accepted at a time. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256'] as const;

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export type AlgorithmFamily = 'hmac' | 'rsa' | 'rsa-pss' | 'ecdsa';

export interface AlgorithmSpec {
  readonly family: AlgorithmFamily;
  /** node:crypto digest name. */
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /** Digest length in bytes: the HMAC length, and the RSA-PSS salt length (RFC 7518 §3.5). */
  readonly hashBytes: number;
}

const SPECS: Readonly<Record<JwtAlgorithm, AlgorithmSpec>> = {
  HS256: { family: 'hmac', hash: 'sha256', hashBytes: 32 },
  HS384: { family: 'hmac', hash: 'sha384', hashBytes: 48 },
  HS512: { family: 'hmac', hash: 'sha512', hashBytes: 64 },
  RS256: { family: 'rsa', hash: 'sha256', hashBytes: 32 },
  PS256: { family: 'rsa-pss', hash: 'sha256', hashBytes: 32 },
  ES256: { family: 'ecdsa', hash: 'sha256', hashBytes: 32 },
};

export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return typeof value === 'string' && (JWT_ALGORITHMS as readonly string[]).includes(value);
}

export function specOf(algorithm: JwtAlgorithm): AlgorithmSpec {
  return SPECS[algorithm];
}

export function isSymmetric(algorithm: JwtAlgorithm): boolean {
  return SPECS[algorithm].family === 'hmac';
}
