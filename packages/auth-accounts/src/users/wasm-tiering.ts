import { setFlagsFromString } from 'node:v8';

/**
 * How much a WebAssembly function runs (V8's rough "bytes executed") before V8 recompiles it
 * with its optimising compiler. V8's default is 1 800 000.
 */
export const PGLITE_TIERING_BUDGET = 1_000_000_000;

/**
 * Defers V8's optimising recompilation of WebAssembly in this process, before PGlite compiles
 * Postgres. Opening the store runs much of Postgres once, so at V8's default budget hundreds of
 * its functions turn hot together and their recompilation takes ~0.7 s of CPU on background
 * threads, while the app is still loading: on 2 cores that doubled the rest of start-up (issue
 * #15). The baseline code it keeps reads users as fast (~165 µs per look-up either way) and
 * inserts ~10 % slower, on this machine; functions that stay hot are still recompiled later.
 * It is process-wide and must run before `PGlite.create` compiles Postgres (measured so; V8's
 * flags are meant to be set before the code they govern is compiled).
 */
export function deferWasmTierUp(): void {
  // Setting it again is harmless, and cheaper than the Postgres start that follows.
  setFlagsFromString(`--wasm-tiering-budget=${PGLITE_TIERING_BUDGET}`);
}
