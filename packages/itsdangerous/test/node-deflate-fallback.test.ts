/**
 * The Node backend's reused deflate handle rests on two Node internals (`_handle.writeSync`,
 * `_writeState`). Where they are missing, or a write on the handle fails, it must fall back to
 * `deflateSync` with the same bytes, never throw or return a half-written buffer. node:zlib is
 * replaced here by a copy whose `createDeflate` gives such streams; everything else is real.
 */
import * as realZlib from 'node:zlib';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { utf8 } from './helpers.js';

const PAYLOAD = utf8(JSON.stringify({ sub: 'a'.repeat(40), ver: 1, jti: 'b'.repeat(40) }));
const reference = (data: Uint8Array): Uint8Array => new Uint8Array(realZlib.deflateSync(data, { level: 6 }));

interface FakeStream {
  destroyed: boolean;
  closed: number;
  on(): FakeStream;
  close(): void;
  _handle?: unknown;
  _writeState?: unknown;
}

function fakeStream(internals: Pick<FakeStream, '_handle' | '_writeState'>): FakeStream {
  const stream: FakeStream = {
    destroyed: false,
    closed: 0,
    on: () => stream,
    close: () => {
      stream.closed += 1;
    },
    ...internals,
  };
  return stream;
}

async function backendWith(stream: FakeStream): Promise<typeof import('../src/lib/node-backend.js')> {
  jest.unstable_mockModule('node:zlib', () => ({ ...realZlib, createDeflate: () => stream }));
  return import('../src/lib/node-backend.js');
}

describe('node backend: deflate without the internals it relies on', () => {
  beforeEach(() => {
    jest.resetModules();
  });

  it('a stream with no native handle: deflateSync, the same bytes, and the stream closed', async () => {
    const stream = fakeStream({});
    const backend = await backendWith(stream);
    expect(backend._deflateHandleReused()).toBe(false);
    expect(stream.closed).toBe(1);
    expect(backend._deflateReused(PAYLOAD)).toEqual(reference(PAYLOAD));
    expect(backend._deflateReused(PAYLOAD)).toEqual(reference(PAYLOAD));
  });

  it('a write that destroys the stream: deflateSync for that call and every later one', async () => {
    let writes = 0;
    const stream = fakeStream({ _writeState: new Uint32Array(2) });
    stream._handle = {
      reset: () => undefined,
      writeSync: () => {
        writes += 1;
        stream.destroyed = true;
      },
    };
    const backend = await backendWith(stream);
    expect(backend._deflateReused(PAYLOAD)).toEqual(reference(PAYLOAD));
    expect(backend._deflateReused(PAYLOAD)).toEqual(reference(PAYLOAD));
    expect(writes).toBe(1);
    expect(backend._deflateHandleReused()).toBe(false);
  });

  it('a window wipe that destroys the stream: deflateSync, and no write after the failed one', async () => {
    const real = realZlib.createDeflate({ level: 6 }) as unknown as {
      _handle: { reset(): void; writeSync(...args: unknown[]): void };
      _writeState: Uint32Array;
      close(): void;
    };
    let writes = 0;
    const stream = fakeStream({ _writeState: real._writeState });
    stream._handle = {
      reset: () => real._handle.reset(),
      writeSync: (...args: unknown[]) => {
        writes += 1;
        // The second write is the wipe a shorter input after a longer one needs.
        if (writes === 2) stream.destroyed = true;
        else real._handle.writeSync(...args);
      },
    };
    const backend = await backendWith(stream);
    const longer = utf8('a'.repeat(40));
    const shorter = utf8('aaaaa');
    expect(backend._deflateReused(longer)).toEqual(reference(longer));
    expect(backend._deflateReused(shorter)).toEqual(reference(shorter));
    expect(writes).toBe(2);
    expect(backend._deflateReused(longer)).toEqual(reference(longer));
    expect(writes).toBe(2);
    real.close();
  });
});
