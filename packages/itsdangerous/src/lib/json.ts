/**
 * JSON the way Python's `json` module writes it, on top of JSON.stringify.
 *
 * - {@link compactJson}: itsdangerous `_CompactJSON` (URL-safe serializers, JWS):
 *   separators `,` `:`, `ensure_ascii=False`. For ordinary data this *is* JSON.stringify: both
 *   escape `"`, `\`, and controls below 0x20 with the same short forms and lowercase `\u00xx`.
 * - {@link pythonJson}: `json.dumps` defaults (plain Serializer/TimedSerializer): separators
 *   `, ` `: ` and `ensure_ascii=True`, i.e. every character outside 0x20–0x7E becomes a
 *   lowercase `\uXXXX` escape (astral characters as their UTF-16 surrogate pair, as Python).
 *
 * What cannot carry over (README "Divergences"): Python float text (`1.0`, `1e-07`, `-0.0`),
 * NaN/Infinity (JSON.stringify writes `null`, JSON.parse rejects them), integers beyond 2^53,
 * and integer-like object keys, which JavaScript objects always enumerate first.
 * @module
 */
/** A text serializer, like the Python `serializer` argument (an object with dumps/loads). */
export interface PayloadSerializer {
  /** Value → text. Throws (e.g. TypeError) for values it cannot represent. */
  dumps(value: unknown): string;
  /** Text → value. Throws on malformed input; the serializer wraps that in BadPayload. */
  loads(text: string): unknown;
}

function stringify(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
  return text;
}

/** Compact JSON (`json.dumps(obj, separators=(",", ":"), ensure_ascii=False)`). */
export function compactJsonDumps(value: unknown): string {
  return stringify(value);
}

const NEEDS_REWRITE = /[,:\u007f-\uffff]/;

/**
 * `json.dumps(obj)` with Python's defaults: `", "`/`": "` separators and ensure_ascii.
 * Rewrites the compact JSON.stringify output in one pass: outside strings a `,` or `:` gains a
 * space; inside strings every code unit above 0x7E becomes `\uXXXX`.
 */
export function pythonJsonDumps(value: unknown): string {
  const s = stringify(value);
  if (!NEEDS_REWRITE.test(s)) return s;
  let out = '';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      // Inside a string literal until the closing quote; skip escaped characters.
      for (i++; i < n; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) {
          i++;
        } else if (d === 0x22) {
          break;
        } else if (d > 0x7e) {
          out += `${s.slice(last, i)}\\u${d.toString(16).padStart(4, '0')}`;
          last = i + 1;
        }
      }
    } else if (c === 0x2c || c === 0x3a) {
      out += `${s.slice(last, i + 1)} `;
      last = i + 1;
    }
  }
  return out + s.slice(last);
}

/** JSON.parse (throws SyntaxError on malformed text, like Python's JSONDecodeError). */
export function jsonLoads(text: string): unknown {
  return JSON.parse(text);
}

/** Python `json` defaults; the default of Serializer and TimedSerializer. */
export const pythonJson: PayloadSerializer = Object.freeze({ dumps: pythonJsonDumps, loads: jsonLoads });

/** itsdangerous `_CompactJSON`; the default of the URL-safe serializers and JWS. */
export const compactJson: PayloadSerializer = Object.freeze({ dumps: compactJsonDumps, loads: jsonLoads });
