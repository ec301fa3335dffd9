import { generateKeyPairSync } from 'node:crypto';
import { isSymmetric, type JwtAlgorithm } from './algorithms.js';
import { MIN_RSA_BITS } from './keys.js';

export interface PemKeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/**
 * A fresh key pair for an asymmetric `JWT_ALG`, for the app to use outside production when
 * `JWT_PRIVATE_KEY` is unset (tokens then do not survive a restart): RSA 2048 for RS256 and
 * PS256, P-256 for ES256. PKCS#8 and SPKI PEM.
 */
export function generateDevKeyPair(algorithm: JwtAlgorithm): PemKeyPair {
  if (isSymmetric(algorithm)) throw new TypeError(`${algorithm} uses secrets, not a key pair`);
  const pair =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', {
          namedCurve: 'prime256v1',
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        })
      : generateKeyPairSync('rsa', {
          modulusLength: MIN_RSA_BITS,
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        });
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}
