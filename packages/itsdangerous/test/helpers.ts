import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import {
  BadData,
  type BadDataCode,
  BadHeader,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
} from '../src/index.js';

/** A bytes-typed vector field: UTF-8 text, or `{ hex }` for bytes that are not UTF-8. */
export type VBytes = string | { hex: string };

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The value to pass to the API: text stays text (exercising the UTF-8 path), hex becomes bytes. */
export function vInput(value: VBytes): string | Uint8Array {
  return typeof value === 'string' ? value : hexToBytes(value.hex);
}

/** The bytes a bytes-typed field means. */
export function vBytes(value: VBytes): Uint8Array {
  return typeof value === 'string' ? utf8(value) : hexToBytes(value.hex);
}

export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as T;
}

/** The error a vector expects (`meta.conventions.error`). */
export interface VError {
  class: string;
  is_a: string[];
  message: string;
  payload?: VBytes | null;
  payload_object?: unknown;
  date_signed?: number | null;
  original_error?: string;
  header?: unknown;
}

const CLASSES: Record<string, new (...args: never[]) => BadData> = {
  BadData,
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
  BadHeader,
  BadPayload,
};

/** The code each Python message maps to (messages are pinned too, so this is exhaustive). */
export function codeForMessage(className: string, message: string): BadDataCode {
  const table: [RegExp, BadDataCode][] = [
    [/^Invalid base64-encoded data$/, 'ERR_BASE64_INVALID'],
    [/^No b.*found in value$/, 'ERR_SEPARATOR_MISSING'],
    [/^Signature b.* does not match$/, 'ERR_SIGNATURE_MISMATCH'],
    [/^timestamp missing$/, 'ERR_TIMESTAMP_MISSING'],
    [/^Malformed timestamp$/, 'ERR_TIMESTAMP_MALFORMED'],
    [/^Signature age -?\d+ > -?\d+ seconds$/, 'ERR_SIGNATURE_EXPIRED'],
    [/^Signature age -\d+ < 0 seconds$/, 'ERR_SIGNATURE_IN_FUTURE'],
    [/^Signature expired$/, 'ERR_SIGNATURE_EXPIRED'],
    [/^Missing expiry date$/, 'ERR_EXPIRY_MISSING'],
    [/^Expiry date is not an IntDate$/, 'ERR_EXPIRY_INVALID'],
    [/^Algorithm mismatch$/, 'ERR_ALGORITHM_MISMATCH'],
    [/^Could not base64 decode the header/, 'ERR_HEADER_BASE64'],
    [/^Could not unserialize header/, 'ERR_HEADER_MALFORMED'],
    [/^Header payload is not a JSON object$/, 'ERR_HEADER_NOT_OBJECT'],
    [/^Could not base64 decode the payload/, 'ERR_PAYLOAD_BASE64'],
    [/^Could not zlib decompress/, 'ERR_PAYLOAD_DECOMPRESS'],
    [/^Could not load the payload/, 'ERR_PAYLOAD_INVALID'],
    [/^No "\." found in value$/, 'ERR_PAYLOAD_SEPARATOR_MISSING'],
  ];
  for (const [pattern, code] of table) if (pattern.test(message)) return code;
  throw new Error(`no code known for ${className}: ${message}`);
}

/** Runs `fn`, which must throw; returns the error. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Asserts an itsdangerous error matches a vector's `error`: class tree, name, code, message, data. */
export function expectVectorError(error: unknown, expected: VError): void {
  const cls = CLASSES[expected.class];
  if (!cls) throw new Error(`not an itsdangerous class: ${expected.class}`);
  expect(error).toBeInstanceOf(cls);
  const e = error as BadData;
  expect(e.name).toBe(expected.class);
  for (const ancestor of expected.is_a) expect(e).toBeInstanceOf(CLASSES[ancestor] as typeof BadData);
  expect(e.message).toBe(expected.message);
  expect(e.code).toBe(codeForMessage(expected.class, expected.message));
  if ('payload' in expected) {
    const payload = (e as BadSignature).payload;
    if (expected.payload === null || expected.payload === undefined) expect(payload).toBeNull();
    else expect(bytesToHex(payload as Uint8Array)).toBe(bytesToHex(vBytes(expected.payload)));
  }
  if ('payload_object' in expected) expect((e as BadSignature).payload).toEqual(expected.payload_object);
  if ('date_signed' in expected) {
    const date = (e as BadTimeSignature).dateSigned;
    if (expected.date_signed === null || expected.date_signed === undefined) expect(date).toBeNull();
    else expect(date?.getTime()).toBe(expected.date_signed * 1000);
  }
  if (expected.original_error !== undefined) {
    const original = (e as BadPayload | BadHeader).originalError;
    expect(original).toBeTruthy();
    expect(e.cause).toBe(original);
    if (expected.original_error === 'BadData') expect(original).toBeInstanceOf(BadData);
  }
  if ('header' in expected) expect((e as BadHeader).header).toEqual(expected.header);
}

/** Asserts `fn` throws exactly `cls` (not a subclass) with `code`, and `name` = the class name. */
export function expectThrowsCode<T extends BadData>(
  fn: () => unknown,
  cls: abstract new (...args: never[]) => T,
  code: BadDataCode,
): T {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(cls);
  expect((error as object).constructor).toBe(cls);
  expect((error as BadData).code).toBe(code);
  expect((error as BadData).name).toBe(cls.name);
  return error as T;
}
