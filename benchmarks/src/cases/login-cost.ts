import {
  Argon2PasswordHasher,
  BoundedPasswordHasher,
  LoginRateLimiter,
  parseLoginRateLimit,
  toLoginUser,
  UserAccounts,
} from '@authbench/auth-accounts';
import type { AuthStrategy } from '@authbench/auth-core';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { fullGc } from '../lib/gc.js';
import { embeddedUsers, type Timed, timed } from '../lib/in-process.js';
import { roundNumbers } from '../lib/interleaved.js';
import { medianInterval } from '../lib/interval.js';
import { roundOrder } from '../lib/rounds.js';
import { appConfig, buildStrategies, CATALOG_NAMES, issueCredential } from '../lib/strategies.js';

/**
 * Issue #17: what a login costs. Argon2id with the app's parameters (its hasher, OWASP's
 * 19 MiB / t=2 / p=1, behind the app's BoundedPasswordHasher), as a hash (registration) and as
 * a verification (login); then a whole password login per strategy — the app's UserAccounts
 * (`verifyLogin`: rate-limit admission, user look-up, Argon2id verify) and the strategy's
 * `issue` — timed in wall ms and in this process's CPU ms (every thread, so the libuv worker
 * running Argon2id counts). Logins/s per core is 1000 / CPU ms per login. In-process stores,
 * embedded users, in interleaved rounds.
 */
interface Contender {
  readonly key: string;
  readonly run: () => Promise<unknown>;
}

/** Each login from its own address: the app's per-address limits must not refuse the benchmark. */
function addressOf(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
}

export const loginCost: Family = {
  id: 'login-cost',
  title: 'Login cost',
  description:
    'Argon2id with the app’s parameters (hash and verify), and a whole password login per strategy (the app’s UserAccounts.verifyLogin + the strategy’s issue): wall ms and process CPU ms per login, logins/s per core (median of interleaved rounds, 95 % interval).',
  missing: () => [],
  // Argon2id at 19 MiB is ~30–60 ms; every contender logs in `logins` times a round.
  estimateSeconds: (ctx) =>
    (CATALOG_NAMES.length + 2) * ctx.sizes.tradeoffs.rounds * ctx.sizes.tradeoffs.logins * 0.08 + 3,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const config = appConfig(ctx.fixtures);
    const users = await embeddedUsers();
    try {
      // The app's own hasher stack and limiter, as openInfrastructure builds them (no Redis).
      const hasher = new BoundedPasswordHasher(new Argon2PasswordHasher());
      const accounts = new UserAccounts(
        users,
        hasher,
        new LoginRateLimiter(parseLoginRateLimit(config.LOGIN_RATE_LIMIT), null),
      );
      const strategies: Map<string, AuthStrategy> = await buildStrategies(
        config,
        { users, redis: null },
        (message) => scope.note(message),
      );
      const password = ctx.fixtures.password;
      const username = `${ctx.fixtures.username}_login`;
      let address = 0;
      await accounts.register({ username, password }, addressOf(address++));
      const storedHash = await hasher.hash(password);

      const contenders: Contender[] = [
        { key: 'argon2id/hash', run: () => hasher.hash(password) },
        {
          key: 'argon2id/verify',
          run: async () => {
            if (!(await hasher.verify(storedHash, password))) throw new Error('argon2id verify refused');
          },
        },
      ];
      for (const [name, strategy] of strategies) {
        contenders.push({
          key: `login/${name}`,
          run: async () => {
            const user = await accounts.verifyLogin({ username, password }, addressOf(address++));
            const issued = await issueCredential(strategy, toLoginUser(user));
            // The credential a login hands out works (checked on every login, outside no timing).
            if (issued.credential.length === 0) throw new Error(`${name} issued an empty credential`);
          },
        });
      }
      // Correctness control: a wrong password is refused, through the same path.
      let refused = false;
      await accounts.verifyLogin({ username, password: `${password}!` }, addressOf(address++)).catch(() => {
        refused = true;
      });
      if (!refused) throw new Error('a wrong password logged in');

      const { rounds, logins } = ctx.sizes.tradeoffs;
      const wall = new Map<string, number[]>(contenders.map(({ key }) => [key, []]));
      const cpu = new Map<string, number[]>(contenders.map(({ key }) => [key, []]));
      // Warm-up: one of each (JIT, the decoy hash, PGlite's statement cache).
      for (const contender of contenders) await contender.run();
      for (let round = 0; round < rounds; round += 1) {
        scope.step(`round ${round + 1}/${rounds}`, round, rounds);
        for (const contender of roundOrder(contenders, round)) {
          // One contender's garbage is not collected on the next one's clock.
          fullGc();
          const times: Timed[] = [];
          for (let index = 0; index < logins; index += 1) times.push(await timed(contender.run));
          wall.get(contender.key)?.push(medianInterval(times.map((t) => t.wallNs)).median);
          // CPU over the whole batch: one login is only a few accounting ticks long.
          cpu.get(contender.key)?.push(times.reduce((sum, t) => sum + t.cpuNs, 0) / logins);
        }
      }
      for (const { key } of contenders) {
        const numbers = roundNumbers(wall.get(key) ?? [], 1e6);
        const cpuNumbers = roundNumbers(cpu.get(key) ?? [], 1e6);
        const cpuMs = cpuNumbers.median ?? 0;
        const [kind, name] = key.split('/') as [string, string];
        scope.add({
          id: `login-cost/${key}`,
          label:
            kind === 'argon2id'
              ? `Argon2id ${name} (app parameters: 19 MiB, t=2, p=1)`
              : `${name}: password login (verifyLogin + issue)`,
          unit: 'ms',
          better: 'lower',
          value: numbers.median ?? 0,
          numbers: {
            ...numbers,
            cpuMs,
            cpuMsLow: cpuNumbers.low ?? 0,
            cpuMsHigh: cpuNumbers.high ?? 0,
            perSecondPerCore: cpuMs === 0 ? 0 : 1000 / cpuMs,
            operationsPerRound: logins,
          },
          baselineId: 'login-cost/argon2id/verify',
          params:
            kind === 'argon2id'
              ? { strategy: 'none', operation: name }
              : { strategy: name, operation: 'login' },
        });
      }
      scope.note(
        'login-cost: CPU ms is this process’s user + system time over the logins (Argon2id runs on a libuv worker thread and counts); logins/s per core = 1000 / CPU ms. The rate limiter runs in memory (no Redis).',
      );
    } finally {
      await users.close();
    }
  },
};
