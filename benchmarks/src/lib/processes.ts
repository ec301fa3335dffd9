import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface SpawnSpec {
  /** For messages and the report. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Pin to these CPUs with `taskset` (null: unpinned). */
  readonly cpus?: readonly number[] | null;
  /** Open an IPC channel (node children only). */
  readonly ipc?: boolean;
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 64 KiB of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves once stdout or stderr has printed text matching the pattern; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM to the whole process group, then SIGKILL after `graceMs`. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

const KEEP_BYTES = 64 * 1024;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Every process the benchmarks start goes through here, each in its own process group (so an
 * API's cluster workers or gunicorn's workers go with it), and is stopped at the end — on
 * success, on failure, on Ctrl-C, and (SIGKILL, synchronously) on any exit path.
 */
export class ProcessRegistry {
  private readonly live = new Map<number, ManagedProcess>();
  private readonly cleanups: { name: string; run: () => Promise<void>; sync?: () => void }[] = [];
  private tasksetPath: string | null = null;
  private handlersInstalled = false;
  private signalled = false;
  private stopping: Promise<void> | null = null;

  /** Every process gets `AUTHBENCH_RUN_ID`, so a leftover one can be found (the harness test looks). */
  constructor(private readonly runId: string) {}

  useTaskset(path: string | null): void {
    this.tasksetPath = path;
  }

  /** True once Ctrl-C (or SIGTERM) arrived: no new process may start. */
  get interrupted(): boolean {
    return this.signalled;
  }

  spawn(spec: SpawnSpec): ManagedProcess {
    if (this.signalled) throw new Error(`not starting ${spec.name}: the run is being interrupted`);
    const pinned =
      spec.cpus !== undefined && spec.cpus !== null && spec.cpus.length > 0 && this.tasksetPath !== null;
    const command = pinned ? (this.tasksetPath as string) : spec.command;
    const args = pinned ? ['-c', (spec.cpus ?? []).join(','), spec.command, ...spec.args] : [...spec.args];
    const options: SpawnOptions = {
      env: { ...spec.env, AUTHBENCH_RUN_ID: this.runId },
      detached: true,
      stdio: spec.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
    };
    const child = spawn(command, args, options);
    if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${command})`);
    const pid = child.pid;
    let output = '';
    // stdout and stderr together, for readiness lines (gunicorn logs to stderr).
    let readable = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-KEEP_BYTES);
    };
    const both = (chunk: Buffer): void => {
      keep(chunk);
      readable = (readable + chunk.toString('utf8')).slice(-KEEP_BYTES);
    };
    child.stdout?.on('data', both);
    child.stderr?.on('data', both);
    let exited = false;
    const exit = once(child, 'exit').then(() => {
      exited = true;
      this.live.delete(pid);
    });
    child.on('error', () => undefined);

    const managed: ManagedProcess = {
      name: spec.name,
      child,
      pid,
      output: () => output,
      get exited() {
        return exited;
      },
      waitForOutput: (pattern, timeoutMs) =>
        new Promise<RegExpExecArray>((resolvePattern, reject) => {
          const check = (): boolean => {
            const match = pattern.exec(readable);
            if (match === null) return false;
            cleanup();
            resolvePattern(match);
            return true;
          };
          const onData = (): void => {
            check();
          };
          const onExit = (): void => {
            cleanup();
            reject(new Error(`${spec.name} exited before it was ready:\n${output.slice(-4000)}`));
          };
          const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`${spec.name} was not ready within ${timeoutMs} ms:\n${output.slice(-4000)}`));
          }, timeoutMs);
          const cleanup = (): void => {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            child.stderr?.off('data', onData);
            child.off('exit', onExit);
          };
          child.stdout?.on('data', onData);
          child.stderr?.on('data', onData);
          child.once('exit', onExit);
          if (exited) onExit();
          else check();
        }),
      stop: async (graceMs = 5_000, signal: NodeJS.Signals = 'SIGTERM') => {
        if (!exited) {
          killGroup(pid, signal);
          const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
          await exit;
          clearTimeout(timer);
        }
        // Workers of a supervisor that exited first (gunicorn, node:cluster) must go too.
        killGroup(pid, 'SIGKILL');
      },
    };
    this.live.set(pid, managed);
    return managed;
  }

  /** Work to undo at the end (stop services we started); `sync` is the last-resort path on exit. */
  onCleanup(name: string, run: () => Promise<void>, sync?: () => void): void {
    this.cleanups.push({ name, run, ...(sync === undefined ? {} : { sync }) });
  }

  /** Stops every process still running and runs the clean-ups, newest first. Idempotent. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([...this.live.values()].map((managed) => managed.stop(3_000)));
      for (const cleanup of this.cleanups.splice(0).reverse()) {
        try {
          await cleanup.run();
        } catch (error) {
          process.stderr.write(`clean-up "${cleanup.name}" failed: ${String(error)}\n`);
        }
      }
    })().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  /** Ctrl-C and SIGTERM stop everything before exiting; any other exit SIGKILLs what is left. */
  installHandlers(onSignal: (signal: NodeJS.Signals) => void): void {
    if (this.handlersInstalled) return;
    this.handlersInstalled = true;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        this.signalled = true;
        onSignal(signal);
        const hardStop = setTimeout(() => process.exit(130), 15_000);
        hardStop.unref();
        void this.stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      });
    }
    process.once('exit', () => this.killAllSync());
  }

  killAllSync(): void {
    for (const pid of this.live.keys()) killGroup(pid, 'SIGKILL');
    this.live.clear();
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        cleanup.sync?.();
      } catch {
        // best effort on the way out
      }
    }
  }
}
