import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { openUserRepository, type SqlUserRepository } from '@authbench/auth-accounts';
import type { AuthExchange, LoginUser } from '@authbench/auth-core';

/**
 * Small pieces the in-process trade-off families share: the embedded user store the app opens
 * without DATABASE_URL, a request/response pair for strategy calls that take one, and a timer
 * that reads wall time and this process's CPU time (all threads, so Argon2id's libuv workers
 * count) around one operation.
 */

/** The app's embedded user store (PGlite, in memory), as `npm start` opens it. */
export function embeddedUsers(): Promise<SqlUserRepository> {
  return openUserRepository({ dataDir: ':memory:' });
}

/** A user in `users`, in the form a login hands to `issue`. */
export async function createLoginUser(users: SqlUserRepository, username: string): Promise<LoginUser> {
  const user = await users.create({
    username,
    passwordHash: 'not a hash: this benchmark never checks this password',
  });
  return { id: user.id, username: user.username, tokenVersion: user.tokenVersion };
}

/** The user as a fresh login would read them (a logout-all bumps `tokenVersion`). */
export async function reloadLoginUser(users: SqlUserRepository, id: string): Promise<LoginUser> {
  const user = await users.findById(id);
  if (user === null) throw new Error(`user ${id} vanished`);
  return { id: user.id, username: user.username, tokenVersion: user.tokenVersion };
}

/** A POST request and its response without a socket: for `revoke`, which may read either. */
export function bareExchange(path: string): AuthExchange {
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.url = path;
  request.headers = { host: '127.0.0.1' };
  return { request, response: new ServerResponse(request) } as unknown as AuthExchange;
}

export interface Timed {
  readonly wallNs: number;
  /** User + system CPU of the whole process (every thread) over the operation. */
  readonly cpuNs: number;
}

export async function timed(operation: () => Promise<unknown>): Promise<Timed> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await operation();
  const wallNs = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  return { wallNs, cpuNs: (used.user + used.system) * 1000 };
}
