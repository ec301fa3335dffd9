/** The exception tree (exc.py), and the package surface: public names, browser-safe sources. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import * as api from '../src/index.js';
import {
  BadData,
  BadHeader,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
} from '../src/index.js';
import * as legacyApi from '../src/legacy.js';

describe('the error classes', () => {
  it('form the Python tree, with name = Python class name and a default code', () => {
    const cases: [BadData, string, (abstract new (...args: never[]) => Error)[], string][] = [
      [new BadData('m'), 'BadData', [Error, BadData], 'ERR_BASE64_INVALID'],
      [new BadSignature('m'), 'BadSignature', [BadData], 'ERR_SIGNATURE_MISMATCH'],
      [new BadTimeSignature('m'), 'BadTimeSignature', [BadSignature, BadData], 'ERR_SIGNATURE_MISMATCH'],
      [
        new SignatureExpired('m'),
        'SignatureExpired',
        [BadTimeSignature, BadSignature, BadData],
        'ERR_SIGNATURE_EXPIRED',
      ],
      [new BadHeader('m'), 'BadHeader', [BadSignature, BadData], 'ERR_HEADER_MALFORMED'],
      [new BadPayload('m'), 'BadPayload', [BadData], 'ERR_PAYLOAD_INVALID'],
    ];
    for (const [error, name, ancestors, code] of cases) {
      expect(error.name).toBe(name);
      expect(error.message).toBe('m');
      expect(error.code).toBe(code);
      for (const ancestor of ancestors) expect(error).toBeInstanceOf(ancestor);
      expect(String(error)).toBe(`${name}: m`);
    }
    expect(new BadPayload('m')).not.toBeInstanceOf(BadSignature);
    expect(new BadHeader('m')).not.toBeInstanceOf(BadTimeSignature);
  });

  it('carry what Python carries, with defaults of null', () => {
    const sig = new BadSignature('m');
    expect(sig.payload).toBeNull();
    const date = new Date(0);
    const expired = new SignatureExpired('m', { payload: new Uint8Array([1]), dateSigned: date });
    expect(expired.payload).toEqual(new Uint8Array([1]));
    expect(expired.dateSigned).toBe(date);
    expect(new BadTimeSignature('m').dateSigned).toBeNull();
    const original = new SyntaxError('x');
    const payload = new BadPayload('m', { originalError: original });
    expect(payload.originalError).toBe(original);
    expect(payload.cause).toBe(original);
    expect(new BadPayload('m').originalError).toBeNull();
    const header = new BadHeader('m', { header: { alg: 'x' }, originalError: original, payload: 1 });
    expect(header.header).toEqual({ alg: 'x' });
    expect(header.cause).toBe(original);
    expect(header.payload).toBe(1);
  });
});

describe('the package surface', () => {
  it('index.ts exports exactly the public names', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'BadData',
        'BadHeader',
        'BadPayload',
        'BadSignature',
        'BadTimeSignature',
        'DEFAULT_MAX_PAYLOAD_BYTES',
        'HMACAlgorithm',
        'NoneAlgorithm',
        'Serializer',
        'SignatureExpired',
        'Signer',
        'SigningAlgorithm',
        'TimedSerializer',
        'TimestampSigner',
        'URLSafeSerializer',
        'URLSafeTimedSerializer',
        'base64Decode',
        'base64Encode',
        'bytesToInt',
        'intToBytes',
      ].sort(),
    );
    expect(Object.keys(legacyApi).sort()).toEqual([
      'JSONWebSignatureSerializer',
      'TimedJSONWebSignatureSerializer',
    ]);
  });

  it('index.node.ts (the node export condition) exports the same names', async () => {
    const nodeApi = await import('../src/index.node.js');
    expect(Object.keys(nodeApi).sort()).toEqual(Object.keys(api).sort());
  });

  it('sources are browser-safe: no node: imports, no Buffer, no process', () => {
    const root = new URL('../src/', import.meta.url);
    // The Node backend and its entry, reached only through the `node` export condition
    // (backend.test.ts checks that the browser entries never import them).
    const nodeOnly = new Set(['index.node.ts', 'lib/node-backend.ts']);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !nodeOnly.has(f),
    );
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      // Code only: comments may mention Buffer.
      const source = readFileSync(new URL(file, root), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      expect({ file, nodeImport: /from\s+['"]node:|require\(/.test(source) }).toEqual({
        file,
        nodeImport: false,
      });
      expect({ file, buffer: /\bBuffer\b|\bprocess\./.test(source) }).toEqual({ file, buffer: false });
    }
  });
});
