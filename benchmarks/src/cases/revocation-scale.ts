import type { SqlUserRepository } from '@authbench/auth-accounts';
import type { AuthStrategy, LoginUser, Principal } from '@authbench/auth-core';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { fullGc, settledHeapBytes } from '../lib/gc.js';
import { bareExchange, createLoginUser, embeddedUsers, reloadLoginUser, timed } from '../lib/in-process.js';
import { roundNumbers, sampleInRounds } from '../lib/interleaved.js';
import { medianInterval } from '../lib/interval.js';
import { roundOrder } from '../lib/rounds.js';
import { expectOutcome, refusing, sampleSeconds } from '../lib/sampler.js';
import { appConfig, buildStrategies, CATALOG_NAMES, issueCredential } from '../lib/strategies.js';

/**
 * Issue #17: what revocation costs as it scales. (1) Verifying a valid credential while the
 * denylist holds 0 … 1 000 000 revoked credentials, with the denylist's heap at each size, for
 * the strategies that keep one (`token`: a jti list; `jwt` in denylist mode: ended logins).
 * `session` and `opaque` delete the record at logout and keep nothing per revoked credential,
 * so they have no denylist to grow. (2) The cost of a logout-all for a user holding 1 or 100
 * logins, for every strategy of the catalog. Everything is built as the app builds it, with
 * in-process stores and the embedded user store (`npm start`).
 */

/** Users the revoked logins are spread over (the verifying user is one of them). */
const REVOKED_USERS = 1_000;
/** A revoked credential's remaining life: an hour, longer than the run. */
const REVOKED_TTL_MS = 3_600_000;

/** A strategy that refuses a logged-out credential by keeping a record of it. */
interface Denylisted {
  readonly name: string;
  /** What the entries are, for the label. */
  readonly entries: string;
  /** The principal of the i-th revoked credential, as the strategy's `verify` would return it. */
  principal(index: number, user: LoginUser, now: number): Principal;
}

const DENYLISTED: readonly Denylisted[] = [
  {
    name: 'token',
    entries: 'jti denylist (MemoryRevocationList)',
    principal: (index, user, now) => ({
      userId: user.id,
      username: user.username,
      strategy: 'token',
      credentialId: `revoked-${index}`,
      issuedAt: new Date(now),
      expiresAt: new Date(now + REVOKED_TTL_MS),
    }),
  },
  {
    name: 'jwt',
    entries: 'ended-login markers (MemoryJwtStateStore, JWT_REVOCATION=denylist)',
    principal: (index, user, now) => {
      const owner = index % REVOKED_USERS === 0 ? user.id : `revoked-user-${index % REVOKED_USERS}`;
      return {
        userId: owner,
        username: user.username,
        strategy: 'jwt',
        credentialId: `revoked-jti-${index}`,
        issuedAt: new Date(now),
        expiresAt: new Date(now + REVOKED_TTL_MS),
        loginId: `revoked-login-${index}`,
      } as Principal;
    },
  },
];

async function buildOne(ctx: RunContext, name: string, users: SqlUserRepository): Promise<AuthStrategy> {
  const built = await buildStrategies(
    appConfig(ctx.fixtures, { env: { AUTH_STRATEGIES: name } }),
    { users, redis: null },
    () => undefined,
  );
  const strategy = built.get(name);
  if (strategy === undefined) throw new Error(`the catalog has no strategy "${name}"`);
  return strategy;
}

/** Revokes `count` credentials through the strategy's own logout (`revoke`). */
async function fill(strategy: AuthStrategy, spec: Denylisted, user: LoginUser, count: number): Promise<void> {
  const exchange = bareExchange(`/${spec.name}/logout`);
  const now = Date.now();
  // In batches: the in-process stores finish each revoke synchronously, so awaiting them one
  // by one only adds a microtask turn per entry to a million-entry fill.
  const BATCH = 10_000;
  for (let start = 0; start < count; start += BATCH) {
    const batch: Promise<void>[] = [];
    for (let index = start; index < Math.min(count, start + BATCH); index += 1) {
      batch.push(strategy.revoke(spec.principal(index, user, now), exchange));
    }
    await Promise.all(batch);
  }
}

async function measureDenylists(ctx: RunContext, scope: FamilyScope, step: (label: string) => void) {
  const sizes = ctx.sizes.tradeoffs.revokedSizes;
  const smallest = sizes[0] ?? 0;
  for (const spec of DENYLISTED) {
    if (!CATALOG_NAMES.includes(spec.name)) continue;
    const users = await embeddedUsers();
    try {
      const user = await createLoginUser(users, `${ctx.fixtures.username}_rs_${spec.name}`);
      const contenders: { key: string; run: () => unknown }[] = [];
      const memory = new Map<number, number>();
      for (const size of sizes) {
        step(`${spec.name} · filling ${size.toLocaleString('en')} revoked`);
        const before = settledHeapBytes();
        const strategy = await buildOne(ctx, spec.name, users);
        const fillStart = process.hrtime.bigint();
        await fill(strategy, spec, user, size);
        const fillMs = Number(process.hrtime.bigint() - fillStart) / 1e6;
        memory.set(size, Math.max(0, settledHeapBytes() - before));
        const { credential } = await issueCredential(strategy, user);
        // Correctness controls: the fresh credential passes; one logged out through the real path fails.
        await expectOutcome(`${spec.name} ${size} valid`, () => strategy.verify(credential), 'accept');
        const loggedOut = (await issueCredential(strategy, user)).credential;
        await strategy.revoke(await strategy.verify(loggedOut), bareExchange(`/${spec.name}/logout`));
        await expectOutcome(`${spec.name} ${size} revoked`, () => strategy.verify(loggedOut), 'refuse');
        contenders.push({ key: String(size), run: () => strategy.verify(credential) });
        // One refused check as well: a revoked credential's cost at this size.
        contenders.push({ key: `${size}/revoked`, run: refusing(() => strategy.verify(loggedOut)) });
        scope.note(
          `revocation-scale: ${spec.name} filled ${size.toLocaleString('en')} revoked credentials through revoke() in ${fillMs.toFixed(0)} ms.`,
        );
      }
      step(`${spec.name} · verify at each size, interleaved`);
      const perRound = await sampleInRounds(
        contenders,
        ctx.sizes.tradeoffs.rounds,
        ctx.sizes.tradeoffs.sampler,
      );
      for (const size of sizes) {
        for (const outcome of ['valid', 'revoked'] as const) {
          const key = outcome === 'valid' ? String(size) : `${size}/revoked`;
          const numbers = roundNumbers(perRound.get(key) ?? [], 1000);
          const heapBytes = memory.get(size) ?? 0;
          scope.add({
            id: `revocation-scale/verify/${spec.name}/${outcome}/${size}`,
            label: `${spec.name}: verify a ${outcome === 'valid' ? 'valid' : 'revoked'} credential with ${size.toLocaleString('en')} revoked in the ${spec.entries}`,
            unit: 'µs',
            better: 'lower',
            value: numbers.median ?? 0,
            numbers: {
              ...numbers,
              revoked: size,
              denylistHeapBytes: heapBytes,
              bytesPerRevoked: size === 0 ? 0 : heapBytes / size,
            },
            baselineId: `revocation-scale/verify/${spec.name}/${outcome}/${smallest}`,
            params: { strategy: spec.name, store: 'memory', revoked: size, credential: outcome },
          });
        }
      }
    } finally {
      await users.close();
    }
  }
}

async function measureLogoutAll(ctx: RunContext, scope: FamilyScope, step: (label: string) => void) {
  const { logoutAllLogins, logoutAllRepeats, rounds } = ctx.sizes.tradeoffs;
  const users = await embeddedUsers();
  try {
    const contenders: {
      key: string;
      name: string;
      logins: number;
      strategy: AuthStrategy;
      userId: string;
    }[] = [];
    for (const name of CATALOG_NAMES) {
      const strategy = await buildOne(ctx, name, users);
      for (const logins of logoutAllLogins) {
        const user = await createLoginUser(users, `${ctx.fixtures.username}_la_${name}_${logins}`);
        contenders.push({ key: `${name}/${logins}`, name, logins, strategy, userId: user.id });
      }
    }
    const wall = new Map<string, number[]>(contenders.map((entry) => [entry.key, []]));
    for (let round = 0; round < rounds; round += 1) {
      step(`logout-all · round ${round + 1}/${rounds}`);
      for (const entry of roundOrder(contenders, round)) {
        // One contender's garbage is not collected on the next one's clock.
        fullGc();
        const walls: number[] = [];
        for (let repeat = 0; repeat < logoutAllRepeats; repeat += 1) {
          const user = await reloadLoginUser(users, entry.userId);
          let last = '';
          for (let login = 0; login < entry.logins; login += 1) {
            last = (await issueCredential(entry.strategy, user)).credential;
          }
          const time = await timed(() => entry.strategy.revokeAll(entry.userId));
          // Wall time only: one logout-all is far shorter than the kernel's CPU accounting tick.
          walls.push(time.wallNs);
          if (round === 0 && repeat === 0) {
            await expectOutcome(`${entry.key} after logout-all`, () => entry.strategy.verify(last), 'refuse');
          }
        }
        wall.get(entry.key)?.push(medianInterval(walls).median);
      }
    }
    for (const entry of contenders) {
      const numbers = roundNumbers(wall.get(entry.key) ?? [], 1000);
      scope.add({
        id: `revocation-scale/logout-all/${entry.name}/${entry.logins}`,
        label: `${entry.name}: logout-all (revokeAll) of a user holding ${entry.logins} login${entry.logins === 1 ? '' : 's'}`,
        unit: 'µs',
        better: 'lower',
        value: numbers.median ?? 0,
        numbers: {
          ...numbers,
          logins: entry.logins,
          repeatsPerRound: logoutAllRepeats,
        },
        baselineId: `revocation-scale/logout-all/${entry.name}/${logoutAllLogins[0] ?? 1}`,
        params: { strategy: entry.name, store: 'memory', logins: entry.logins },
      });
    }
  } finally {
    await users.close();
  }
}

export const revocationScale: Family = {
  id: 'revocation-scale',
  title: 'Revocation at scale',
  description:
    'Verifying a valid (and a revoked) credential while the in-process denylist holds 0 to 1 000 000 revoked credentials, with the denylist’s heap per entry; and a logout-all for a user with 1 or 100 logins, every strategy (median µs of interleaved rounds, 95 % interval).',
  missing: () => [],
  estimateSeconds: (ctx) => {
    const t = ctx.sizes.tradeoffs;
    const revoked = t.revokedSizes.reduce((sum, size) => sum + size, 0);
    return (
      2 * 2 * t.revokedSizes.length * t.rounds * sampleSeconds(t.sampler) +
      (revoked * 2 * 3) / 1e6 +
      (CATALOG_NAMES.length *
        t.rounds *
        t.logoutAllRepeats *
        t.logoutAllLogins.reduce((a, b) => a + b, 0) *
        60) /
        1e6 +
      2
    );
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const total = DENYLISTED.length * 2 + 1;
    let done = 0;
    const step = (label: string) => {
      scope.step(label, done, total);
      done = Math.min(total - 1, done + 1);
    };
    await measureDenylists(ctx, scope, step);
    await measureLogoutAll(ctx, scope, step);
    scope.note(
      'revocation-scale: session and opaque delete the record at logout, so they hold nothing per revoked credential and have no denylist to grow; their cost against stored records is server-state/verify. Redis denylists are not measured here (each entry is a key with a TTL; verify-cost measures one Redis look-up).',
    );
  },
};
