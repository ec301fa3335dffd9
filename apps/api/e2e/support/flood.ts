// A login flood for the hash-capacity suites (hash-flood, login-limits): clients that post wrong
// passwords for ever-new usernames, each waiting for its answer before sending the next.
import { postFrom, uniqueUsername } from './client.js';

export interface LoginFloodOptions {
  /** Client i posts from `addresses[i % addresses.length]` (loopback, so each is its own client). */
  readonly addresses: readonly string[];
  readonly clients: number;
  /** Requests each client sends; without it, each sends until `stop()`. */
  readonly requestsEach?: number;
  readonly path?: string;
}

export interface LoginFlood {
  /** Settles at the flood's first answer with `status` (with any status when omitted). */
  firstAnswer(status?: number): Promise<void>;
  /** Stops sending, waits for the answers in flight and returns every status the flood got. */
  stop(): Promise<number[]>;
}

export function startLoginFlood(baseUrl: string, options: LoginFloodOptions): LoginFlood {
  const { addresses, clients, requestsEach = Number.POSITIVE_INFINITY, path = '/token/login' } = options;
  const statuses: number[] = [];
  const waiters: { readonly status: number | undefined; readonly resolve: () => void }[] = [];
  let flooding = true;
  const answered = (status: number): void => {
    statuses.push(status);
    for (const waiter of waiters.filter((one) => one.status === undefined || one.status === status)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const loops = Array.from({ length: clients }, async (_, i) => {
    const from = addresses[i % addresses.length] ?? '127.0.0.1';
    for (let sent = 0; flooding && sent < requestsEach; sent += 1) {
      const answer = await postFrom(baseUrl, from, path, {
        username: uniqueUsername(`flood${i}`),
        password: 'wrong guess',
      });
      answered(answer.status);
    }
  });
  return {
    firstAnswer(status) {
      if (statuses.some((seen) => status === undefined || seen === status)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ status, resolve }));
    },
    async stop() {
      flooding = false;
      await Promise.all(loops);
      return statuses;
    },
  };
}
