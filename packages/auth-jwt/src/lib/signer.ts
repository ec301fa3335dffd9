import { constants, createHmac, sign } from 'node:crypto';
import { specOf } from './algorithms.js';
import { encodeBase64Url } from './base64url.js';
import type { JwtKeyRing } from './keys.js';

function signatureOf(ring: JwtKeyRing, signingInput: string): Buffer {
  const spec = specOf(ring.algorithm);
  const data = Buffer.from(signingInput, 'ascii');
  switch (spec.family) {
    case 'hmac':
      return createHmac(spec.hash, ring.signingKey).update(data).digest();
    case 'rsa':
      return sign(spec.hash, data, ring.signingKey);
    case 'rsa-pss':
      // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
      return sign(spec.hash, data, {
        key: ring.signingKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: spec.hashBytes,
      });
    case 'ecdsa':
      // RFC 7518 §3.4: the raw r || s concatenation, not DER.
      return sign(spec.hash, data, { key: ring.signingKey, dsaEncoding: 'ieee-p1363' });
  }
}

/** A compact JWS with header `{ alg, typ, kid }`, signed by the ring's newest key. */
export function signCompactJwt(
  ring: JwtKeyRing,
  typ: string,
  claims: Readonly<Record<string, unknown>>,
): string {
  const header = { alg: ring.algorithm, typ, kid: ring.signingKid };
  const signingInput = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(claims))}`;
  return `${signingInput}.${signatureOf(ring, signingInput).toString('base64url')}`;
}
