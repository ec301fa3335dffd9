import { randomUUID } from 'node:crypto';
import {
  AuthError,
  type AuthErrorCode,
  type AuthExchange,
  type AuthStrategy,
  authenticateRequest,
  type CredentialRequest,
  type LoginUser,
} from '@authbench/auth-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { findProgram, requireProgramOrSkip } from './programs.js';
import { startTestRedisCluster, type TestRedisCluster } from './redis-cluster.js';
import { redisServerProgram, startTestRedis, type TestRedisServer } from './redis-server.js';

/**
 * One strategy contract below HTTP (issue "One strategy seam", item 5): every strategy package
 * runs it over every store it supports. Each check takes the guard's path, `credentialOf` then
 * `verify` (`authenticateRequest`), and every refusal is pinned as `AuthError`, its code and 401.
 * What differs between strategies is data the package passes in (`StrategyExpectations`), never
 * a branch on the strategy's name in here.
 *
 * Not exported from the package's index: it imports `@jest/globals`, which only loads inside
 * Jest, and the benchmarks import the index. Import `@authbench/test-support/strategy-contract`.
 */

export type ContractStore = 'memory' | 'redis' | 'cluster';

/** A frozen clock the contract moves by hand (epoch ms), handed to the strategy as `infrastructure.now`. */
export class ContractClock {
  /** Now, truncated to the second plus 250 ms, so second-truncation in a strategy shows. */
  ms = Math.floor(Date.now() / 1000) * 1000 + 250;

  readonly now = (): number => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}

/** One strategy built through its descriptor on one store, as the app builds it. */
export interface ContractFixture {
  readonly strategy: AuthStrategy;
  /**
   * Logs the user in through `issue` (adding them to the fixture's user store first, where the
   * strategy reads users) and returns the credential exactly as `credentialOf` reads it back.
   */
  login(user: LoginUser): Promise<string>;
  /** The request a client sends carrying this raw credential (its header or its cookie). */
  requestWith(credential: string): CredentialRequest;
  /** The exchange a logout route hands `revoke`. */
  exchange(): AuthExchange;
  /** What deleting the account does, as this strategy sees it (the app: `revokeAll`, then the delete). */
  deleteUser(userId: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds a fresh fixture; `redisUrl` is the throwaway server's (`redis://…`, `redis+cluster://…`), null for memory. */
export type ContractFactory = (
  store: ContractStore,
  clock: ContractClock,
  redisUrl: string | null,
) => Promise<ContractFixture>;

/** A credential minted by another strategy (or sent the other strategy's way), and the refusal it gets. */
export type ForeignCredentialCase = { readonly label: string; readonly code: AuthErrorCode } & (
  | { readonly credential: string }
  | { readonly request: CredentialRequest }
);

/** What this strategy does, pinned as data. */
export interface StrategyExpectations {
  /** The descriptor's name, which every principal carries. */
  readonly name: string;
  /** How long a fresh credential lives (the idle timeout for sessions), in ms. */
  readonly lifetimeMs: number;
  /** The refusal once `lifetimeMs` has passed, per store (a store that drops the record says `revoked`). */
  readonly expired: Readonly<Record<ContractStore, AuthErrorCode>>;
  /** The refusal of a credential with one character of its signature (or secret) changed. */
  readonly tampered: AuthErrorCode;
  /** The refusal of an empty credential (`Authorization: Bearer `, or an empty cookie). */
  readonly empty: AuthErrorCode;
  /** The refusal once `deleteUser` has run. */
  readonly deletedUser: AuthErrorCode;
  /** Credentials of other strategies. */
  readonly foreign: readonly ForeignCredentialCase[];
  /** Changes one character of the signature or secret; default: the middle of the last `.` part. */
  readonly tamper?: (credential: string) => string;
}

export interface StrategyContractOptions {
  readonly stores: readonly ContractStore[];
  readonly factory: ContractFactory;
  readonly expectations: StrategyExpectations;
}

/**
 * Realistic credentials of each strategy, minted once with secrets no test configures (so each
 * is well formed but never valid here). `sessionCookie` is a signed `sid` value (`s:<id>.<sig>`).
 */
export const FOREIGN_CREDENTIALS = {
  /** An HS256 access token of the `jwt` strategy (issuer and audience `authbench`, exp 2036), signed with another secret. */
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InhiWGo3d2wtUGFtNE1WUUQifQ.eyJzdWIiOiJ1c2VyLWZvcmVpZ24iLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6ImF1dGhiZW5jaCIsInNpZCI6IldoMUpOSGxxOTJHZlJWbFZfTHFuS0EiLCJwcmVmZXJyZWRfdXNlcm5hbWUiOiJmb3JlaWduIiwiaWF0X21zIjoxNzAwMDAwMDAwMjUwLCJleHAiOjIxMDAwMDAwMDAsImp0aSI6IktvRmNjRTc0Q2xZbWNmWXZZZTlLeWciLCJhdWQiOiJhdXRoYmVuY2gifQ.sXz78ZfkPDbv-7eo-UB9pPqstciwzm2ZlyKb2j7hiR0',
  /** itsdangerous URL-safe timed token (`payload.timestamp.signature`), signed with another secret. */
  token:
    'eyJzdWIiOiJ1c2VyLWZvcmVpZ24iLCJ2ZXIiOjAsImp0aSI6ImR2M2ZBSXVlRm13UjdUUnRab1JBdmcifQ.ZVPxAA.snLsWKqEyXPymbtj6sjMXJS_ue4',
  /** Opaque `<id>.<secret>`: well formed, naming no record. */
  opaque: 'vgC6qgQ2jUrMe9g_FTXdLw.1Wa3bnVJrp5399Yy11-Po_-l4VOxJyG9vlZsHSKTeX4',
  /** A signed session cookie value, signed with another secret. */
  sessionCookie: 's:Zm9yZWlnbi1zZXNzaW9uLWlkLTAwMDAwMDAw.GZb/eyx18aIqQEyIOJJDjQkLu16akNkonwu82LS9P5A',
} as const;

/** Flips one character in the middle of the last `.`-separated part (never a base64 padding bit). */
export function tamperLastSegment(credential: string): string {
  const cut = credential.lastIndexOf('.');
  const position = cut + 1 + Math.floor((credential.length - cut - 1) / 2);
  const replacement = credential[position] === 'A' ? 'B' : 'A';
  return credential.slice(0, position) + replacement + credential.slice(position + 1);
}

/** The refusal's class, code and status, returned for further checks. */
export async function expectAuthRefusal(pending: Promise<unknown>, code: AuthErrorCode): Promise<AuthError> {
  const error: unknown = await pending.then(
    () => new Error(`expected a refusal (${code}), but the credential was accepted`),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  const refusal = error as AuthError;
  expect({ code: refusal.code, status: refusal.status }).toEqual({ code, status: 401 });
  return refusal;
}

function newUser(): LoginUser {
  const id = randomUUID();
  return { id, username: `user-${id.slice(0, 8)}`, tokenVersion: 0 };
}

/** A throwaway server per store, started once per `describe` and stopped after it. */
interface StoreServer {
  url: string | null;
  stop(): Promise<void>;
}

function storeAvailable(store: ContractStore): boolean {
  if (store === 'memory') return true;
  const what = store === 'redis' ? 'redis-server' : 'redis-server and redis-cli (Redis Cluster)';
  const present = redisServerProgram() !== null && (store === 'redis' || findProgram('redis-cli') !== null);
  return requireProgramOrSkip(present, what, 'apt-get install redis-server');
}

async function startStore(store: ContractStore): Promise<StoreServer> {
  if (store === 'memory') return { url: null, stop: async () => {} };
  if (store === 'redis') {
    const server: TestRedisServer = await startTestRedis();
    return { url: server.url, stop: () => server.stop() };
  }
  const cluster: TestRedisCluster = await startTestRedisCluster();
  return { url: cluster.url, stop: () => cluster.stop() };
}

/** Runs the contract over each store in `stores` (skipping one only under `requireProgramOrSkip`'s rules). */
export function strategyContract({ stores, factory, expectations }: StrategyContractOptions): void {
  const tamper = expectations.tamper ?? tamperLastSegment;
  const runnable = stores.map((store) => [store, storeAvailable(store)] as const);

  describe.each(runnable)(`${expectations.name} strategy contract, %s store`, (store, available) => {
    const test = available ? it : it.skip;
    let server: StoreServer | undefined;
    let fixture: ContractFixture;
    let clock: ContractClock;

    beforeAll(async () => {
      if (available) server = await startStore(store);
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
    });

    beforeEach(async () => {
      if (!available || server === undefined) return;
      clock = new ContractClock();
      fixture = await factory(store, clock, server.url);
    });

    afterEach(async () => {
      if (available) await fixture?.close();
    });

    const authenticate = (credential: string) =>
      authenticateRequest(fixture.strategy, fixture.requestWith(credential));

    test('a fresh credential authenticates as the user, under the strategy’s name', async () => {
      const user = newUser();
      const credential = await fixture.login(user);
      expect(fixture.strategy.credentialOf(fixture.requestWith(credential))).toBe(credential);
      const principal = await authenticate(credential);
      expect(principal).toMatchObject({
        userId: user.id,
        username: user.username,
        strategy: expectations.name,
      });
      // Verifying is repeatable: a credential is not spent by use.
      await expect(authenticate(credential)).resolves.toMatchObject({ userId: user.id });
    });

    test('no credential: missing_credential', async () => {
      await expectAuthRefusal(
        authenticateRequest(fixture.strategy, { method: 'GET', headers: {} }),
        'missing_credential',
      );
    });

    test('an empty credential: pinned', async () => {
      await expectAuthRefusal(authenticate(''), expectations.empty);
    });

    test.each([
      ['garbage', 'garbage'],
      ['a lone separator', '.'],
      ['separators only', '..'],
      ['9 KiB', 'A'.repeat(9 * 1024)],
      ['non-ASCII', 'jétön.ünïcödé.✓'],
    ])('malformed (%s): malformed_credential', async (_label, credential) => {
      await fixture.login(newUser());
      await expectAuthRefusal(authenticate(credential), 'malformed_credential');
    });

    test('one character of the signature changed: pinned, and the real credential still works', async () => {
      const user = newUser();
      const credential = await fixture.login(user);
      const tampered = tamper(credential);
      expect(tampered).not.toBe(credential);
      expect(tampered).toHaveLength(credential.length);
      await expectAuthRefusal(authenticate(tampered), expectations.tampered);
      await expect(authenticate(credential)).resolves.toMatchObject({ userId: user.id });
    });

    test('past its lifetime: pinned per store', async () => {
      const credential = await fixture.login(newUser());
      clock.advance(expectations.lifetimeMs + 1000);
      await expectAuthRefusal(authenticate(credential), expectations.expired[store]);
    });

    test('after revoke (logout): revoked; the user’s other login lives on', async () => {
      const user = newUser();
      const credential = await fixture.login(user);
      const other = await fixture.login(user);
      await fixture.strategy.revoke(await authenticate(credential), fixture.exchange());
      await expectAuthRefusal(authenticate(credential), 'revoked');
      await expect(authenticate(other)).resolves.toMatchObject({ userId: user.id });
    });

    test('after revokeAll (logout everywhere): revoked, and another user is untouched', async () => {
      const user = newUser();
      const bystander = newUser();
      const first = await fixture.login(user);
      const second = await fixture.login(user);
      const theirs = await fixture.login(bystander);
      clock.advance(1000);
      await fixture.strategy.revokeAll(user.id);
      await expectAuthRefusal(authenticate(first), 'revoked');
      await expectAuthRefusal(authenticate(second), 'revoked');
      await expect(authenticate(theirs)).resolves.toMatchObject({ userId: bystander.id });
      // A login after logout-all works as usual.
      clock.advance(1000);
      await expect(authenticate(await fixture.login(user))).resolves.toMatchObject({ userId: user.id });
    });

    test('the user deleted: pinned', async () => {
      const user = newUser();
      const credential = await fixture.login(user);
      await authenticate(credential);
      clock.advance(1000);
      await fixture.deleteUser(user.id);
      await expectAuthRefusal(authenticate(credential), expectations.deletedUser);
    });

    if (expectations.foreign.length > 0) {
      test.each(expectations.foreign.map((item) => [item.label, item] as const))(
        'another strategy’s credential (%s): pinned',
        async (_label, item) => {
          await fixture.login(newUser());
          const request = 'request' in item ? item.request : fixture.requestWith(item.credential);
          await expectAuthRefusal(authenticateRequest(fixture.strategy, request), item.code);
        },
      );
    }
  });
}
