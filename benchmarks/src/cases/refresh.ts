import type { AuthStrategy, LoginResponseBody } from '@authbench/auth-core';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { createLoginUser, embeddedUsers } from '../lib/in-process.js';
import { roundNumbers, sampleInRounds } from '../lib/interleaved.js';
import { expectOutcome, sampleSeconds } from '../lib/sampler.js';
import { appConfig, buildStrategies, CATALOG_NAMES, issueCredential } from '../lib/strategies.js';

/**
 * Issue #17: what a refresh rotation costs, in process, through the strategy's own refresh path
 * (verify the refresh token, mint a new pair, compare-and-set the login's family in the store),
 * beside a login's `issue` and an access token's `verify` of the same strategy, all in the same
 * interleaved rounds. Every catalog strategy that has a refresh path is measured, in each of
 * its revocation modes (the JWT: `denylist`, the default, and `none`); in-process stores.
 */
interface Refreshing {
  refresh(refreshToken: string): Promise<LoginResponseBody>;
}

function refresherOf(strategy: AuthStrategy): (AuthStrategy & Refreshing) | null {
  const candidate = strategy as AuthStrategy & Partial<Refreshing>;
  return typeof candidate.refresh === 'function' ? (candidate as AuthStrategy & Refreshing) : null;
}

function refreshTokenOf(body: LoginResponseBody, name: string): string {
  const token = body.refreshToken;
  if (typeof token !== 'string') throw new Error(`${name}: the login answered no refresh token`);
  return token;
}

/** Revocation modes measured per refreshing strategy (the JWT's JWT_REVOCATION). */
const MODES: readonly { readonly mode: string; readonly env: Readonly<Record<string, string>> }[] = [
  { mode: 'denylist', env: { JWT_REVOCATION: 'denylist' } },
  { mode: 'none', env: { JWT_REVOCATION: 'none' } },
];

export const refresh: Family = {
  id: 'refresh',
  title: 'Refresh rotation cost',
  description:
    'A refresh rotation through the strategy’s own refresh path (verify the refresh token, mint a pair, rotate the login’s family in the store) beside a login’s issue and an access-token verify, in process, in-process stores (median µs of interleaved rounds, 95 % interval).',
  missing: () => [],
  estimateSeconds: (ctx) =>
    MODES.length * 3 * ctx.sizes.tradeoffs.rounds * sampleSeconds(ctx.sizes.tradeoffs.sampler) + 2,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const users = await embeddedUsers();
    try {
      const user = await createLoginUser(users, `${ctx.fixtures.username}_refresh`);
      // Logins of their own: repeated issues would evict the refreshing login (per-user family cap).
      const issuer = await createLoginUser(users, `${ctx.fixtures.username}_refresh_issue`);
      const contenders: { key: string; run: () => unknown }[] = [];
      const measured: { name: string; mode: string }[] = [];
      for (const name of CATALOG_NAMES) {
        for (const { mode, env } of MODES) {
          const built = await buildStrategies(
            appConfig(ctx.fixtures, { env: { ...env, AUTH_STRATEGIES: name } }),
            { users, redis: null },
            (message) => scope.note(message),
          );
          const strategy = built.get(name);
          const refresher = strategy === undefined ? null : refresherOf(strategy);
          if (refresher === null) break;
          // Correctness control: a rotated token passes once; presenting the spent one is refused.
          const control = await issueCredential(refresher, user);
          const first = refreshTokenOf(control.body, name);
          await expectOutcome(`${name} ${mode} rotation`, () => refresher.refresh(first), 'accept');
          await expectOutcome(`${name} ${mode} reuse`, () => refresher.refresh(first), 'refuse');

          const issued = await issueCredential(refresher, user);
          let current = refreshTokenOf(issued.body, name);
          const key = `${name}/${mode}`;
          contenders.push({
            key: `${key}/refresh`,
            run: async () => {
              current = refreshTokenOf(await refresher.refresh(current), name);
            },
          });
          contenders.push({ key: `${key}/issue`, run: () => issueCredential(refresher, issuer) });
          contenders.push({ key: `${key}/verify`, run: () => refresher.verify(issued.credential) });
          measured.push({ name, mode });
        }
      }
      if (measured.length === 0) {
        scope.note('refresh: no strategy of the catalog has a refresh path');
        return;
      }
      const { rounds, sampler } = ctx.sizes.tradeoffs;
      const perRound = await sampleInRounds(contenders, rounds, sampler, (round) =>
        scope.step(`round ${round + 1}/${rounds}`, round, rounds),
      );
      const words = {
        refresh: 'refresh rotation (POST /refresh path, in process)',
        issue: 'login issue (mint a pair, start a family)',
        verify: 'access-token verify',
      } as const;
      for (const { name, mode } of measured) {
        for (const operation of ['refresh', 'issue', 'verify'] as const) {
          const numbers = roundNumbers(perRound.get(`${name}/${mode}/${operation}`) ?? [], 1000);
          scope.add({
            id: `refresh/${name}/${mode}/${operation}`,
            label: `${name} (revocation ${mode}): ${words[operation]}`,
            unit: 'µs',
            better: 'lower',
            value: numbers.median ?? 0,
            numbers,
            baselineId: `refresh/${name}/${mode}/verify`,
            params: { strategy: name, revocation: mode, operation, store: 'memory' },
          });
        }
      }
    } finally {
      await users.close();
    }
  },
};
