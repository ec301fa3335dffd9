import type { ChildProcess } from 'node:child_process';

/** Request/reply over a child's IPC channel: `{ id, …request }` → `{ id, result }` or `{ id, error }`. */
export class IpcClient {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (message: unknown) => {
      if (typeof message !== 'object' || message === null) return;
      const { id, result, error } = message as { id?: number; result?: unknown; error?: string };
      if (id === undefined) return;
      const waiter = this.waiting.get(id);
      if (waiter === undefined) return;
      this.waiting.delete(id);
      if (error === undefined) waiter.resolve(result);
      else waiter.reject(new Error(`${this.name}: ${error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.waiting.values()) {
        waiter.reject(new Error(`${this.name} exited (${signal ?? code}) during a request`));
      }
      this.waiting.clear();
    });
  }

  call<T>(request: Readonly<Record<string, unknown>>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...request, id });
    });
  }
}

/** The child side: answers each request with the handler's result (or its error message). */
export function serveIpc(handler: (request: Readonly<Record<string, unknown>>) => Promise<unknown>): void {
  process.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const request = message as Record<string, unknown>;
    const id = request.id;
    handler(request).then(
      (result) => process.send?.({ id, result }),
      (error: unknown) =>
        process.send?.({ id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent went away: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}
