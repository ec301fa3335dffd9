import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/**
 * The node:crypto baseline for the itsdangerous port: the same `URLSafeTimedSerializer`
 * algorithm (django-concat key derivation, HMAC, compact JSON, zlib when it saves ≥ 2 bytes,
 * big-endian timestamp) written directly on node:crypto and node:zlib with Buffers. No
 * options, no error classes, no fallback signers, no browser support: the least a correct
 * implementation has to do, so the port's overhead over it is visible.
 */
export class NodeTimedSerializer {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly options: {
      readonly salt: string;
      readonly digest: 'sha1' | 'sha256';
      readonly now?: () => number;
    },
  ) {
    // itsdangerous `django-concat`: digest(salt + "signer" + secret).
    this.key = createHash(options.digest).update(`${options.salt}signer${secret}`).digest();
  }

  private nowSeconds(): number {
    return Math.floor(this.options.now?.() ?? Date.now() / 1000);
  }

  private sign(value: string): string {
    return createHmac(this.options.digest, this.key).update(value).digest('base64url');
  }

  dumps(value: unknown): string {
    const json = Buffer.from(JSON.stringify(value), 'utf8');
    const compressed = deflateSync(json);
    const payload =
      compressed.length < json.length - 1
        ? `.${compressed.toString('base64url')}`
        : json.toString('base64url');
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(BigInt(this.nowSeconds()));
    let first = 0;
    while (first < 7 && timestamp[first] === 0) first += 1;
    const signed = `${payload}.${timestamp.subarray(first).toString('base64url')}`;
    return `${signed}.${this.sign(signed)}`;
  }

  loads(token: string, maxAge: number): unknown {
    const cut = token.lastIndexOf('.');
    if (cut <= 0) throw new Error('no signature');
    const signed = token.slice(0, cut);
    const given = Buffer.from(token.slice(cut + 1), 'base64url');
    const expected = createHmac(this.options.digest, this.key).update(signed).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new Error('bad signature');
    const stamp = signed.lastIndexOf('.');
    if (stamp <= 0) throw new Error('no timestamp');
    const timeBytes = Buffer.from(signed.slice(stamp + 1), 'base64url');
    // Six bytes hold every timestamp until the year 8 921 556; readUIntBE reads at most six.
    if (timeBytes.length === 0 || timeBytes.length > 6) throw new Error('bad timestamp');
    const signedAt = timeBytes.readUIntBE(0, timeBytes.length);
    const age = this.nowSeconds() - signedAt;
    if (age > maxAge || age < 0) throw new Error('expired or from the future');
    const payload = signed.slice(0, stamp);
    const json = payload.startsWith('.')
      ? inflateSync(Buffer.from(payload.slice(1), 'base64url'))
      : Buffer.from(payload, 'base64url');
    return JSON.parse(json.toString('utf8'));
  }
}
