import { alphabetChecked, decodeUtf8 } from './base64url.js';
import type { JwtKeyRing, VerificationKey } from './keys.js';
import { reject } from './rejection.js';
import { DuplicateMemberError, parseJsonObject } from './strict-json.js';
import { TOKEN_TYPE, type TokenUse } from './token-types.js';

/** CONTRACT §3: a token is at most 8 KiB; longer input is refused before any decoding. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

/** Three non-empty base64url segments: an empty signature (`alg: none`) never gets further. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Header parameters that ask the verifier to fetch or trust a key the token itself names
 * (`jku`, `x5u`, `jwk`, `x5c`) or to understand extensions (`crit`). jsonwebtoken ignores
 * them all; this package refuses them (CONTRACT §3), so they can never be honoured later.
 */
export const FORBIDDEN_HEADER_PARAMETERS = ['crit', 'jku', 'x5u', 'jwk', 'x5c'] as const;

/** A token whose structure and header passed every rule; its signature is not checked yet. */
export interface InspectedJws {
  readonly token: string;
  readonly use: TokenUse;
  readonly header: Readonly<Record<string, unknown>>;
  /** The configured key the header's `kid` names: the only key the signature is checked with. */
  readonly key: VerificationKey;
  /** The claim set as parsed (duplicates refused); untrusted until the signature checks. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A segment of a token that matched `COMPACT_JWS`, so of the base64url alphabet only. */
function parseSegment(segment: string, what: 'header' | 'payload'): Readonly<Record<string, unknown>> {
  const bytes = alphabetChecked.decode(segment);
  if (bytes === null) throw reject('malformed_credential', 'bad_base64url', what);
  const text = decodeUtf8(bytes);
  if (text === null) {
    throw reject('malformed_credential', what === 'header' ? 'bad_header' : 'bad_payload', 'invalid UTF-8');
  }
  try {
    return parseJsonObject(text);
  } catch (error) {
    if (error instanceof DuplicateMemberError) {
      throw reject(
        'malformed_credential',
        what === 'header' ? 'duplicate_header_member' : 'duplicate_claim',
        error.member,
        error,
      );
    }
    if (error instanceof SyntaxError) {
      throw reject(
        'malformed_credential',
        what === 'header' ? 'bad_header' : 'bad_payload',
        undefined,
        error,
      );
    }
    throw error;
  }
}

/** What the header rules conclude about one header segment: the parsed header and its key. */
interface CheckedHeader {
  readonly header: Readonly<Record<string, unknown>>;
  readonly key: VerificationKey;
}

/** The header rules, on a header segment: throws the `AuthError` of the first rule it breaks. */
function checkHeader(segment: string, use: TokenUse, ring: JwtKeyRing): CheckedHeader {
  const header = parseSegment(segment, 'header');
  for (const name of FORBIDDEN_HEADER_PARAMETERS) {
    if (Object.hasOwn(header, name)) throw reject('malformed_credential', 'forbidden_header_parameter', name);
  }
  if (header.alg !== ring.algorithm) {
    throw reject('invalid_signature', 'algorithm_not_allowed', String(header.alg).slice(0, 32));
  }
  if (header.typ !== TOKEN_TYPE[use]) throw reject('invalid_claims', 'wrong_token_type');
  if (typeof header.kid !== 'string') throw reject('malformed_credential', 'missing_kid');
  const key = ring.verificationKey(header.kid);
  if (key === undefined) throw reject('invalid_signature', 'unknown_kid');
  return { header: Object.freeze(header), key };
}

/**
 * Header segments that passed the rules, by ring and use. Every token one key signs for one use
 * has the same header segment, so decoding, parsing and checking it again per request only
 * repeats the same verdict: it is a pure function of the segment, the use and the ring (whose
 * keys are fixed when it is created). Only passing segments are kept, at most
 * `MAX_CHECKED_HEADERS` per ring and use; a client sending many different passing headers
 * (they need no signature to pass) empties the map, which costs speed, never a wrong verdict.
 */
const MAX_CHECKED_HEADERS = 16;

/**
 * One ring's passing header segments for one use, and the last one a token carried: every
 * token of one key and use has the same header, so one string comparison usually answers,
 * where a `Map` look-up first hashes the freshly sliced segment (~100 ns a token).
 */
interface CheckedHeaders {
  readonly bySegment: Map<string, CheckedHeader>;
  lastSegment: string;
  last: CheckedHeader | undefined;
}

const checkedHeaders = new WeakMap<JwtKeyRing, Record<TokenUse, CheckedHeaders>>();

function emptyCheckedHeaders(): CheckedHeaders {
  return { bySegment: new Map(), lastSegment: '', last: undefined };
}

function checkedHeaderOf(segment: string, use: TokenUse, ring: JwtKeyRing): CheckedHeader {
  let byUse = checkedHeaders.get(ring);
  if (byUse === undefined) {
    byUse = { access: emptyCheckedHeaders(), refresh: emptyCheckedHeaders() };
    checkedHeaders.set(ring, byUse);
  }
  const checked = byUse[use];
  // `lastSegment` is '' until a header passed, and a segment is never empty here.
  if (checked.last !== undefined && segment === checked.lastSegment) return checked.last;
  let header = checked.bySegment.get(segment);
  if (header === undefined) {
    header = checkHeader(segment, use, ring);
    if (checked.bySegment.size >= MAX_CHECKED_HEADERS) checked.bySegment.clear();
    checked.bySegment.set(segment, header);
  }
  checked.lastSegment = segment;
  checked.last = header;
  return header;
}

/**
 * Every rule that can be checked before the signature, in order of cost: size, shape,
 * canonical base64url, header JSON without duplicates, no key-fetching parameters, `alg`
 * exactly the configured one, `typ` of the expected use, `kid` naming a configured key,
 * a signature of exactly that key's length, and a payload that is a JSON object.
 */
export function inspectCompactJws(token: unknown, use: TokenUse, ring: JwtKeyRing): InspectedJws {
  if (typeof token !== 'string' || token.length === 0) throw reject('malformed_credential', 'not_compact');
  if (token.length > MAX_TOKEN_LENGTH) throw reject('malformed_credential', 'too_large');
  if (!COMPACT_JWS.test(token)) throw reject('malformed_credential', 'not_compact');
  // The shape matched: exactly two dots, each segment non-empty. Three slices, without the
  // array `split` builds (and its destructuring's iterator) per request.
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const headerSegment = token.slice(0, firstDot);
  const payloadSegment = token.slice(firstDot + 1, secondDot);
  const signatureSegment = token.slice(secondDot + 1);

  const { header, key } = checkedHeaderOf(headerSegment, use, ring);

  const signatureBytes = alphabetChecked.decodedLength(signatureSegment);
  if (signatureBytes === null) throw reject('malformed_credential', 'bad_base64url', 'signature');
  if (signatureBytes !== key.signatureBytes) throw reject('invalid_signature', 'bad_signature_length');

  const claims = parseSegment(payloadSegment, 'payload');
  return { token, use, header, key, claims };
}
