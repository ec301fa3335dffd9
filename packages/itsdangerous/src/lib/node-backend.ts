/**
 * The Node backend: compression through node:zlib (C zlib). Loaded only by the `node` export
 * condition (index.node.ts), so the default entry, which browsers get, never imports a `node:`
 * module.
 *
 * `deflateSync` builds a whole zlib stream object per call (a Transform stream, a native handle,
 * a fresh ~256 KiB deflate state, an output Buffer): on the signed token's ~85-byte payload that
 * was ~13 µs of the ~20 µs `dumps`, most of it allocation and the garbage it leaves. Here one
 * native deflate handle is kept for the process and reset before each call. `deflateReset` keeps
 * the level, window and strategy, but not the window's bytes: Node's zlib (Chromium's) lets its
 * match finder read a little past the end of a short input, so bytes a longer earlier input left
 * there can change which (equally valid) encoding it picks — `aaaaa` after 40 × `a` came out
 * `4b4c0402…` instead of `deflateSync`'s `4b4c4c4c4c04…`. Output that depends on history breaks
 * what Python's `dumps` promises (one value, one token), so the window is wiped with zeros, as a
 * fresh handle has it, whenever a previous input reached past the new one (see `wipeWindowFor`);
 * every output is then the bytes `deflateSync` gives (tests compare the two, call after call).
 * @module
 */
import { constants, createDeflate, type Deflate, deflateSync } from 'node:zlib';
import type { Backend } from './backend.js';

/** Python's `zlib.compress(data)` level (-1 = 6). */
const LEVEL = 6;

/**
 * Inputs up to this size go through the reused handle; the scratch output buffer below is sized
 * so that zlib's worst case for them (deflateBound: n + n/4096 + n/16384 + 13 bytes) always fits.
 */
const REUSED_MAX_INPUT = 16 * 1024;
const SCRATCH_BYTES = REUSED_MAX_INPUT + 1024;

/**
 * The parts of node:zlib's native handle used here. They are Node internals (the same from
 * Node 12 through 24), so they are checked when the handle is opened, and a missing one makes
 * this backend use `deflateSync` instead of failing.
 */
interface NativeZlibHandle {
  /** zlib `deflate(flush)` on the given slices; leaves [avail_out, avail_in] in the write state. */
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  /** zlib `deflateReset`: a new stream with the same parameters. */
  reset(): void;
}

interface ReusableDeflate {
  readonly stream: Deflate;
  readonly handle: NativeZlibHandle;
  /** [avail_out, avail_in] after the last write. */
  readonly writeState: Uint32Array;
}

function isNativeHandle(value: unknown): value is NativeZlibHandle {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof NativeZlibHandle, unknown>>;
  return typeof candidate.writeSync === 'function' && typeof candidate.reset === 'function';
}

/** Checked by tag, not instanceof: Node's array comes from its own realm (a vm context differs). */
function isUint32Pair(value: unknown): value is Uint32Array {
  return (
    ArrayBuffer.isView(value) &&
    Object.prototype.toString.call(value) === '[object Uint32Array]' &&
    (value as Uint32Array).length >= 2
  );
}

/** A deflate handle for the process, or `null` when this Node's internals do not match. */
function openReusableDeflate(): ReusableDeflate | null {
  const stream = createDeflate({ level: LEVEL });
  // zlib reports a failed write by destroying the stream, which emits 'error' a tick later;
  // the write below sees `destroyed` at once and falls back, so the event itself is moot.
  stream.on('error', () => {});
  const internals = stream as unknown as { _handle?: unknown; _writeState?: unknown };
  const handle = internals._handle;
  const writeState = internals._writeState;
  if (!isNativeHandle(handle) || !isUint32Pair(writeState)) {
    stream.close();
    return null;
  }
  return { stream, handle, writeState };
}

/** `deflateSync` as a Uint8Array view. */
function deflateOnce(data: Uint8Array): Uint8Array {
  const out = deflateSync(data, { level: LEVEL });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Opened on first use; `null` once it proved unusable (then every call uses deflateOnce). */
let reusable: ReusableDeflate | null | undefined;
let scratch: Uint8Array | undefined;
/** Zeros to compress over the window (never written to). */
let zeros: Uint8Array | undefined;
/** How many leading window bytes may hold an earlier input since the window was last all zeros. */
let windowDirtyTo = 0;

/**
 * Before compressing `length` bytes: if an earlier input left bytes past `length` in the window,
 * compress that many zeros (output discarded) so the window is all zeros again, as in a fresh
 * handle. Inputs of one length or growing lengths never pay it; a shorter one pays about one
 * reset and write of the longest since the last wipe.
 */
function wipeWindowFor(length: number, handle: NativeZlibHandle, out: Uint8Array): void {
  if (windowDirtyTo <= length) return;
  zeros ??= new Uint8Array(REUSED_MAX_INPUT);
  handle.reset();
  handle.writeSync(constants.Z_FINISH, zeros, 0, windowDirtyTo, out, 0, out.length);
  windowDirtyTo = 0;
}

/**
 * `zlib.compress(data)` on the reused handle: the same bytes as {@link deflateOnce}, without
 * its per-call stream, as a view of a scratch buffer that the next call overwrites. All of it
 * is synchronous, so no other call can interleave.
 */
export function _deflateReused(data: Uint8Array): Uint8Array {
  if (data.length > REUSED_MAX_INPUT) return deflateOnce(data);
  if (reusable === undefined) reusable = openReusableDeflate();
  if (reusable === null) return deflateOnce(data);
  const { stream, handle, writeState } = reusable;
  scratch ??= new Uint8Array(SCRATCH_BYTES);
  wipeWindowFor(data.length, handle, scratch);
  if (stream.destroyed) {
    reusable = null;
    return deflateOnce(data);
  }
  // Counted before the write: a write that fails half-way has still put bytes in the window.
  if (data.length > windowDirtyTo) windowDirtyTo = data.length;
  // Reset first, so a call that threw half-way cannot leave its state to the next one.
  handle.reset();
  handle.writeSync(constants.Z_FINISH, data, 0, data.length, scratch, 0, scratch.length);
  if (stream.destroyed) {
    reusable = null;
    return deflateOnce(data);
  }
  const availOut = writeState[0] as number;
  const availIn = writeState[1] as number;
  // Z_FINISH with input consumed and room to spare means the stream ended; else the slow way.
  if (availIn !== 0 || availOut === 0) return deflateOnce(data);
  // A view, no copy (Backend allows it): the caller base64-encodes it before the next call.
  return scratch.subarray(0, scratch.length - availOut);
}

/** @internal Whether {@link _deflateReused} runs on the reused handle (for the tests). */
export function _deflateHandleReused(): boolean {
  if (reusable === undefined) reusable = openReusableDeflate();
  return reusable !== null;
}

export const nodeBackend: Backend = Object.freeze({
  name: 'node',
  zlibCompress: _deflateReused,
});
