/**
 * Live interop with Python's itsdangerous (/usr/bin/python3): random keys, salts, digests,
 * key derivations, separators and payloads (compressing ones included), both directions,
 * one Python subprocess per direction (test/python/interop.py).
 *
 * Without Python + itsdangerous: fails when CI is set, otherwise skips with a warning.
 * INTEROP_PYTHON overrides the interpreter; INTEROP_SEED replays a run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  type DigestName,
  type KeyDerivation,
  Serializer,
  Signer,
  TimedSerializer,
  TimestampSigner,
  URLSafeSerializer,
  URLSafeTimedSerializer,
} from '../src/index.js';
import { bytesToHex, hexToBytes } from './helpers.js';

const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/interop.py', import.meta.url));
const CASES_PER_DIRECTION = 250;

const KINDS = [
  'Signer',
  'TimestampSigner',
  'Serializer',
  'TimedSerializer',
  'URLSafeSerializer',
  'URLSafeTimedSerializer',
] as const;
type Kind = (typeof KINDS)[number];

interface Case {
  kind: Kind;
  keys: string[];
  salt?: string | null;
  sep: string;
  digest: DigestName;
  key_derivation: KeyDerivation;
  now: number;
  value?: unknown;
  payload_hex?: string;
  token?: string;
  token_hex?: string;
}

function pythonStatus(): { ok: true; version: string } | { ok: false; reason: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import itsdangerous; print(itsdangerous.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.error) return { ok: false, reason: `${PYTHON} not runnable: ${probe.error.message}` };
  if (probe.status !== 0) return { ok: false, reason: `itsdangerous not importable: ${probe.stderr.trim()}` };
  return { ok: true, version: probe.stdout.trim() };
}

const status = pythonStatus();
if (!status.ok && !process.env.CI) {
  console.warn(
    `interop tests SKIPPED: ${status.reason} (install python3-itsdangerous; with CI set this fails)`,
  );
}

const seed = Number(process.env.INTEROP_SEED ?? Date.now() % 2 ** 31);

/** JSON values Python can also write: no lone surrogates (Python cannot UTF-8 encode them). */
const jsonValue = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 3 });
const compressible = fc.oneof(
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }), fc.integer({ min: 4, max: 300 }))
    .map(([s, n]) => s.repeat(n)),
  fc.array(fc.record({ id: fc.nat(9), name: fc.constantFrom('user', 'admin'), ok: fc.boolean() }), {
    minLength: 5,
    maxLength: 60,
  }),
);
const hex = (bytes: Uint8Array) => bytesToHex(bytes);

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    keys: fc.array(fc.uint8Array({ minLength: 1, maxLength: 100 }).map(hex), { minLength: 1, maxLength: 3 }),
    salt: fc.oneof(fc.constant('default'), fc.constant(null), fc.uint8Array({ maxLength: 24 }).map(hex)),
    // No letter separators ("xz" is accepted by Python but can occur inside a signature, §4.13).
    sep: fc.constantFrom('.', '|', '~', '::', 'é', '!', '\u0000', '$'),
    digest: fc.constantFrom<DigestName>('sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5'),
    key_derivation: fc.constantFrom<KeyDerivation>('concat', 'django-concat', 'hmac', 'none'),
    now: fc.integer({ min: 0, max: 4_000_000_000 }),
    value: fc.oneof(jsonValue, compressible),
    payload: fc.uint8Array({ maxLength: 120 }),
  })
  .map(({ salt, value, payload, ...rest }) => {
    const c: Case = { ...rest };
    if (salt !== 'default') c.salt = salt;
    if (c.kind === 'Signer' || c.kind === 'TimestampSigner') c.payload_hex = hex(payload);
    else c.value = JSON.parse(JSON.stringify(value));
    return c;
  });

function build(c: Case): Signer | Serializer<Signer> {
  const keys = c.keys.map(hexToBytes);
  const salt = c.salt === undefined ? {} : { salt: c.salt === null ? null : hexToBytes(c.salt) };
  const kwargs = { sep: c.sep, digestMethod: c.digest, keyDerivation: c.key_derivation };
  const now = () => c.now;
  switch (c.kind) {
    case 'Signer':
      return new Signer(keys, { ...salt, ...kwargs });
    case 'TimestampSigner':
      return new TimestampSigner(keys, { ...salt, ...kwargs, now });
    case 'Serializer':
      return new Serializer(keys, { ...salt, signerKwargs: kwargs });
    case 'TimedSerializer':
      return new TimedSerializer(keys, {
        ...salt,
        signerKwargs: kwargs,
        now,
      }) as unknown as Serializer<Signer>;
    case 'URLSafeSerializer':
      return new URLSafeSerializer(keys, { ...salt, signerKwargs: kwargs });
    case 'URLSafeTimedSerializer':
      return new URLSafeTimedSerializer(keys, {
        ...salt,
        signerKwargs: kwargs,
        now,
      }) as unknown as Serializer<Signer>;
  }
}

function callPython(mode: 'dumps' | 'loads', cases: Case[]): Record<string, unknown>[] {
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify({ mode, cases }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { results: Record<string, unknown>[] };
  expect(out.results).toHaveLength(cases.length);
  return out.results;
}

function sampleCases(offset: number): Case[] {
  const cases = fc.sample(caseArb, { numRuns: CASES_PER_DIRECTION, seed: seed + offset });
  // Make sure the compressed URL-safe path is exercised every run.
  cases.push(
    {
      kind: 'URLSafeTimedSerializer',
      keys: ['00ff'],
      sep: '.',
      digest: 'sha256',
      key_derivation: 'django-concat',
      now: 1308874145,
      value: 'a'.repeat(1000),
    },
    {
      kind: 'URLSafeSerializer',
      keys: ['01', '02'],
      salt: null,
      sep: '|',
      digest: 'sha1',
      key_derivation: 'hmac',
      now: 0,
      value: [{ id: 1 }, { id: 1 }, { id: 1 }, { id: 1 }],
    },
  );
  return cases;
}

const describePython = status.ok ? describe : describe.skip;

describe('Python interop: environment', () => {
  it('python3 with itsdangerous is available (required when CI is set)', () => {
    if (status.ok) {
      expect(status.version).toMatch(/^2\./);
      return;
    }
    if (process.env.CI) throw new Error(`interop required in CI: ${status.reason}`);
    console.warn(`interop skipped: ${status.reason}`);
  });
});

describePython(`Python interop (seed ${seed}; INTEROP_SEED=${seed} reproduces)`, () => {
  it(`Python dumps → TypeScript loads (${CASES_PER_DIRECTION}+ cases)`, () => {
    const cases = sampleCases(0);
    const results = callPython('dumps', cases);
    let compressed = 0;
    cases.forEach((c, i) => {
      const result = results[i] as { token?: string; token_hex?: string; error?: string };
      expect({ kind: c.kind, error: result.error }).toEqual({ kind: c.kind, error: undefined });
      const obj = build(c);
      if (obj instanceof TimestampSigner) {
        const [value, date] = obj.unsign(hexToBytes(result.token_hex as string), {
          maxAge: 0,
          returnTimestamp: true,
        });
        expect(bytesToHex(value)).toBe(c.payload_hex);
        expect(date.getTime()).toBe(c.now * 1000);
      } else if (obj instanceof Signer) {
        expect(bytesToHex(obj.unsign(hexToBytes(result.token_hex as string)))).toBe(c.payload_hex);
      } else if (obj instanceof TimedSerializer) {
        const [value, date] = obj.loads(result.token as string, { maxAge: 0, returnTimestamp: true });
        expect(value).toEqual(c.value);
        expect(date.getTime()).toBe(c.now * 1000);
      } else {
        expect(obj.loads(result.token as string)).toEqual(c.value);
      }
      if (result.token?.startsWith('.')) compressed++;
    });
    console.log(`interop Python→TS: ${cases.length} cases, ${compressed} compressed, seed ${seed}`);
    expect(compressed).toBeGreaterThan(0);
  });

  it(`TypeScript dumps → Python loads (${CASES_PER_DIRECTION}+ cases)`, () => {
    const cases = sampleCases(1).map((c) => {
      const obj = build(c);
      if (obj instanceof Signer)
        return { ...c, token_hex: bytesToHex(obj.sign(hexToBytes(c.payload_hex as string))) };
      return { ...c, token: obj.dumps(c.value) };
    });
    const results = callPython('loads', cases);
    cases.forEach((c, i) => {
      expect({ case: c, result: results[i] }).toEqual({
        case: c,
        result: expect.objectContaining({ ok: true }),
      });
    });
    const compressed = cases.filter((c) => c.token?.startsWith('.')).length;
    console.log(`interop TS→Python: ${cases.length} cases, ${compressed} compressed, seed ${seed}`);
    expect(compressed).toBeGreaterThan(0);
  });
});
