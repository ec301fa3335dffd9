import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { isSymmetric, type JwtAlgorithm, specOf } from './algorithms.js';

/** CONTRACT §1: each secret at least 32 bytes. */
export const MIN_SECRET_BYTES = 32;
/** CONTRACT §1: RSA keys of 2048 bits or more. */
export const MIN_RSA_BITS = 2048;

/** A key that verifies tokens whose header names its `kid`. */
export interface VerificationKey {
  readonly kid: string;
  /** A secret KeyObject (HS*) or a public one, imported once at start-up. */
  readonly key: KeyObject;
  /** The exact signature length this key produces, checked before any crypto runs. */
  readonly signatureBytes: number;
}

/** A published verification key (RFC 7517), as `GET /.well-known/jwks.json` lists it. */
export type PublicJwk = JsonWebKey & {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  readonly use: 'sig';
};

/**
 * The `kid` of an HMAC secret: the first 16 characters of base64url(SHA-256(UTF-8 secret)).
 * Stable across processes and restarts, so every API process names a secret the same way,
 * and computable by a client that holds the secret (PyJWT: see the README). It reveals
 * nothing a token's own HMAC does not: an offline guess can be checked against either.
 */
export function hmacKeyId(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url').slice(0, 16);
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA or EC public key. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  // The required members only, in lexicographic order, no whitespace (RFC 7638 §3.2, §3.3);
  // JSON.stringify keeps this insertion order.
  let members: Readonly<Record<string, string | undefined>>;
  if (jwk.kty === 'RSA') members = { e: jwk.e, kty: 'RSA', n: jwk.n };
  else if (jwk.kty === 'EC') members = { crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y };
  else throw new TypeError(`no JWK thumbprint for key type ${String(jwk.kty)}`);
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g;

/** Refuses a key that cannot make `algorithm` signatures of the strength the contract asks. */
function assertAsymmetricKeyFits(key: KeyObject, algorithm: JwtAlgorithm, variable: string): number {
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'ES256') {
    if (key.asymmetricKeyType !== 'ec' || details.namedCurve !== 'prime256v1') {
      throw new TypeError(`${variable}: ES256 needs a P-256 (prime256v1) EC key`);
    }
    return 64; // r || s, 32 bytes each (RFC 7518 §3.4)
  }
  // RS256 and PS256 both use a plain RSA key; RSA-PSS-restricted keys cannot be published as JWK.
  if (key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`${variable}: ${algorithm} needs an RSA key`);
  }
  const bits = details.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new RangeError(`${variable}: RSA keys must have at least ${MIN_RSA_BITS} bits (got ${bits})`);
  }
  return Math.ceil(bits / 8);
}

export interface KeyRingOptions {
  readonly algorithm: JwtAlgorithm;
  /** HS*: secrets oldest → newest. */
  readonly secrets: readonly string[];
  readonly privateKeyPem?: string | undefined;
  /** One or more PEM public keys: the private key's own and, during rotation, older ones. */
  readonly publicKeyPem?: string | undefined;
}

/**
 * Every key of the strategy, imported once as KeyObjects: the newest signs, all verify,
 * each selected by its `kid` — never by trial, never by a fallback.
 */
export class JwtKeyRing {
  readonly algorithm: JwtAlgorithm;
  readonly signingKid: string;
  /** A secret (HS*) or private KeyObject. */
  readonly signingKey: KeyObject;
  private readonly byKid: ReadonlyMap<string, VerificationKey>;
  private readonly published: readonly PublicJwk[];

  private constructor(
    algorithm: JwtAlgorithm,
    signing: { kid: string; key: KeyObject },
    verification: readonly VerificationKey[],
    published: readonly PublicJwk[],
  ) {
    this.algorithm = algorithm;
    this.signingKid = signing.kid;
    this.signingKey = signing.key;
    this.byKid = new Map(verification.map((entry) => [entry.kid, entry]));
    this.published = published;
  }

  static create(options: KeyRingOptions): JwtKeyRing {
    return isSymmetric(options.algorithm) ? JwtKeyRing.symmetric(options) : JwtKeyRing.asymmetric(options);
  }

  private static symmetric(options: KeyRingOptions): JwtKeyRing {
    const { algorithm, secrets } = options;
    if (options.privateKeyPem !== undefined || options.publicKeyPem !== undefined) {
      throw new TypeError(`JWT_PRIVATE_KEY/JWT_PUBLIC_KEY: not used with ${algorithm}; unset them`);
    }
    if (secrets.length === 0) throw new TypeError(`JWT_SECRET: ${algorithm} needs at least one secret`);
    const signatureBytes = specOf(algorithm).hashBytes;
    const keys = secrets.map((secret, index): VerificationKey => {
      if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
        throw new RangeError(`JWT_SECRET: secret #${index + 1} is shorter than ${MIN_SECRET_BYTES} bytes`);
      }
      return { kid: hmacKeyId(secret), key: createSecretKey(Buffer.from(secret, 'utf8')), signatureBytes };
    });
    const newest = keys[keys.length - 1] as VerificationKey;
    return new JwtKeyRing(algorithm, newest, keys, []);
  }

  private static asymmetric(options: KeyRingOptions): JwtKeyRing {
    const { algorithm } = options;
    if (options.secrets.length > 0) throw new TypeError(`JWT_SECRET: not used with ${algorithm}; unset it`);
    if (options.privateKeyPem === undefined) {
      throw new TypeError(`JWT_PRIVATE_KEY: ${algorithm} needs a PEM private key`);
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(options.privateKeyPem);
    } catch (error) {
      throw new TypeError('JWT_PRIVATE_KEY: not a readable PEM private key', { cause: error });
    }
    const signingPublic = createPublicKey(privateKey);
    const publicKeys = [signingPublic];
    if (options.publicKeyPem !== undefined) {
      const blocks = options.publicKeyPem.match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) throw new TypeError('JWT_PUBLIC_KEY: no PEM block found');
      for (const block of blocks) {
        try {
          publicKeys.push(createPublicKey(block));
        } catch (error) {
          throw new TypeError('JWT_PUBLIC_KEY: not a readable PEM public key', { cause: error });
        }
      }
    }
    const verification = new Map<string, VerificationKey>();
    const published: PublicJwk[] = [];
    for (const [index, key] of publicKeys.entries()) {
      const signatureBytes = assertAsymmetricKeyFits(
        key,
        algorithm,
        index === 0 ? 'JWT_PRIVATE_KEY' : 'JWT_PUBLIC_KEY',
      );
      const kid = jwkThumbprint(key);
      if (verification.has(kid)) continue; // the private key's own public half, listed again
      verification.set(kid, { kid, key, signatureBytes });
      published.push({ ...key.export({ format: 'jwk' }), kid, alg: algorithm, use: 'sig' });
    }
    const signingKid = jwkThumbprint(signingPublic);
    return new JwtKeyRing(
      algorithm,
      { kid: signingKid, key: privateKey },
      [...verification.values()],
      published,
    );
  }

  /** The key a header's `kid` names, or undefined: an unknown kid is refused, never guessed. */
  verificationKey(kid: string): VerificationKey | undefined {
    return this.byKid.get(kid);
  }

  get kids(): readonly string[] {
    return [...this.byKid.keys()];
  }

  /** The JWK Set to publish, or null for HMAC algorithms (whose keys are secret). */
  jwks(): { readonly keys: readonly PublicJwk[] } | null {
    return isSymmetric(this.algorithm) ? null : { keys: this.published };
  }
}
