import { IpcClient } from './ipc.js';
import type { ProcessRegistry } from './processes.js';

/** A Node script that answers one IPC request (ipc.ts `serveIpc`), and where it runs. */
export interface FreshChild {
  /** The process's name in the registry and in errors. */
  readonly name: string;
  /** Absolute path of the compiled script. */
  readonly script: string;
  /** CPUs to pin it to; null runs it unpinned, on the harness's own CPUs. */
  readonly cpus: readonly number[] | null;
}

/**
 * Sends `request` to `child` started afresh, returns its answer and stops it. A fresh process
 * per measurement keeps what earlier measurements left in the harness's heap, JIT and caches off
 * the figure (itsdangerous-child.ts and state-child.ts say what each one was skewed by).
 */
export async function callInFreshProcess<T>(
  registry: ProcessRegistry,
  child: FreshChild,
  request: Readonly<Record<string, unknown>>,
): Promise<T> {
  const managed = registry.spawn({
    name: child.name,
    command: process.execPath,
    args: [child.script],
    cpus: child.cpus,
    ipc: true,
    env: { PATH: process.env.PATH ?? '' },
  });
  try {
    return await new IpcClient(managed.child, child.name).call<T>(request);
  } finally {
    await managed.stop();
  }
}
