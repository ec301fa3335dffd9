// What the Nest peers share: their settings from the environment the benchmark gives them, the
// protected route's answer (the same JSON shape as authbench's and the bare verifier's), and
// applying Nest's method decorators without compiler support for legacy decorators.
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';

export type Claims = Readonly<Record<string, unknown>>;

export interface PeerSettings {
  readonly secret: string;
  readonly key: KeyObject;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
}

export function peerSettings(): PeerSettings {
  const secret = process.env.PEER_JWT_SECRET ?? '';
  // Fail closed: an empty secret would make every forged token "valid".
  if (secret.length === 0) throw new Error('PEER_JWT_SECRET is required');
  return {
    secret,
    key: createSecretKey(Buffer.from(secret, 'utf8')),
    issuer: process.env.PEER_JWT_ISSUER,
    audience: process.env.PEER_JWT_AUDIENCE,
  };
}

/** The public route's body: authbench's GET /strategies answer, parsed once at start-up. */
export function publicBody(): unknown {
  return JSON.parse(process.env.PEER_PUBLIC_BODY ?? '{}') as unknown;
}

export function greeting(claims: Claims): unknown {
  const username = String(claims.username ?? claims.name ?? claims.sub ?? '');
  return {
    message: `Hello, ${username}: this response needed a valid jwt credential.`,
    strategy: 'jwt',
    user: { id: claims.sub, username },
  };
}

type AnyMethod = (...args: never[]) => unknown;

/** Applies method decorators to `Class.prototype[name]`, as `@decorator` would. */
export function decorateMethod<T extends object>(
  target: { readonly prototype: T },
  name: keyof T & string,
  ...decorators: readonly MethodDecorator[]
): void {
  const prototype = target.prototype;
  let descriptor = Object.getOwnPropertyDescriptor(prototype, name) as
    | TypedPropertyDescriptor<AnyMethod>
    | undefined;
  if (descriptor === undefined) throw new Error(`no method ${name}`);
  for (const decorator of [...decorators].reverse()) {
    descriptor =
      (decorator(prototype, name, descriptor) as TypedPropertyDescriptor<AnyMethod> | undefined) ??
      descriptor;
  }
  Object.defineProperty(prototype, name, descriptor);
}

/** Listens on a free loopback port, prints the line the benchmark waits for, stops on SIGTERM. */
export async function listenAndAnnounce(app: INestApplication, name: string): Promise<void> {
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  process.stdout.write(`${name} listening on ${url}\n`);
  process.on('SIGTERM', () => {
    void app.close().finally(() => process.exit(0));
  });
}
