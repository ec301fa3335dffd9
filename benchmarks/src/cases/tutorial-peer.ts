import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@authbench/test-support';
import { waitForWorkers } from '../lib/api-process.js';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { type Credential, ensureUser, login, waitForHttp } from '../lib/http.js';
import { profileHttpRoute } from '../lib/http-profile.js';
import { describeInterval } from '../lib/interval.js';
import type { LoadSpec } from '../lib/loadgen.js';
import type { ManagedProcess } from '../lib/processes.js';
import { missingPython, PYTHON_DIR } from '../lib/python.js';
import {
  everyRoundMetered,
  type RoundRoute,
  roundCases,
  routeRoundsSeconds,
  runRounds,
} from '../lib/rounds.js';
import { missingService } from '../lib/services.js';

/**
 * Question 6: the tutorial as reference peer. Two Flask apps of the classic shape
 * (benchmarks/python: register/login/protected, users in SQLite, a generic itsdangerous token
 * or a PyJWT HS256 token checked by a `token_required` decorator that reads the user), served
 * by Debian's gunicorn with 2 sync workers, against authbench with API_WORKERS=2 (Redis +
 * PostgreSQL, the configuration several workers need), under the same load, pinned alike.
 * Every route runs in the same interleaved rounds (rounds.ts, order rotated per round), and
 * each side's server CPU per request is read from /proc: gunicorn's master and workers (its
 * process tree), authbench's workers, and Redis / PostgreSQL separately.
 */
const WORKERS = 2;

interface Gunicorn {
  readonly baseUrl: string;
  readonly process: ManagedProcess;
}

async function startGunicorn(
  ctx: RunContext,
  app: 'tutorial_token_app' | 'tutorial_jwt_app',
  database: string,
): Promise<Gunicorn> {
  const port = await freePort();
  const managed = ctx.registry.spawn({
    name: `gunicorn ${app}`,
    command: ctx.python.path,
    args: [
      '-m',
      'gunicorn',
      '--workers',
      String(WORKERS),
      '--bind',
      `127.0.0.1:${port}`,
      '--preload',
      '--chdir',
      PYTHON_DIR,
      `${app}:app`,
    ],
    cpus: ctx.cpu.serverCpus,
    env: {
      PATH: process.env.PATH ?? '',
      SECRET_KEY: randomBytes(32).toString('base64url'),
      TUTORIAL_DB: database,
      PYTHONDONTWRITEBYTECODE: '1',
    },
  });
  try {
    await managed.waitForOutput(/Listening at: (http:\/\/\S+)/, 30_000);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/ping`, 10_000);
    await waitForWorkers(managed.pid, WORKERS, 15_000);
    return { baseUrl, process: managed };
  } catch (error) {
    await managed.stop(1_000);
    throw error;
  }
}

type TutorialRoute = `${'flask' | 'authbench'}/${'ping' | 'baseline' | 'token' | 'jwt'}`;

interface PeerRun {
  readonly key: TutorialRoute;
  readonly label: string;
  readonly spec: LoadSpec;
  readonly baseline: TutorialRoute;
}

export const tutorialPeer: Family = {
  id: 'tutorial-peer',
  title: 'The tutorial as reference peer (Flask + gunicorn)',
  description:
    'Server CPU µs per request and requests per second of the classic Flask token and JWT apps (gunicorn, 2 sync workers, SQLite users) against authbench at API_WORKERS=2, same load, same CPUs, in interleaved rounds (medians with 95 % intervals). The authbench routes are compared with the Flask route of the same kind.',
  missing: (ctx) => [
    ...missingPython(ctx.python, ['Flask', 'itsdangerous', 'PyJWT', 'gunicorn']),
    ...[missingService('redis'), missingService('postgres')].filter((entry) => entry !== null),
  ],
  apiConfigs: () => ['redis-2w'],
  // Six routes in the rounds that decide its target, and two gunicorn starts.
  estimateSeconds: (ctx) =>
    6 * routeRoundsSeconds({ ...ctx.sizes.httpRounds, count: ctx.sizes.targetRounds }) + 8,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    // Its rounds decide the tutorial target: the target count, with the HTTP rounds' windows.
    const rounds = { ...ctx.sizes.httpRounds, count: ctx.sizes.targetRounds };
    const total = 6 * rounds.count;
    let done = 0;
    const database = join(await mkdtemp(join(ctx.tmpDir, 'tutorial-')), 'users.sqlite3');
    scope.step('starting gunicorn (token and JWT apps)', done, total);
    const tokenApp = await startGunicorn(ctx, 'tutorial_token_app', database);
    const jwtApp = await startGunicorn(ctx, 'tutorial_jwt_app', database);
    try {
      await ensureUser(tokenApp.baseUrl, ctx.fixtures.username, ctx.fixtures.password);
      const flaskLogin = async (baseUrl: string): Promise<Credential> =>
        login(baseUrl, 'token', ctx.fixtures.username, ctx.fixtures.password, '');
      const flaskToken = await flaskLogin(tokenApp.baseUrl);
      const flaskJwt = await flaskLogin(jwtApp.baseUrl);
      scope.step('starting authbench (redis-2w)', done, total);
      const api = await ctx.apis.get('redis-2w');
      const servers = await api.meteredServers();
      // gunicorn's master and its workers: the tree under the spawned process (proc.ts).
      const flask = (app: Gunicorn) => [{ name: 'api', pid: app.process.pid }];
      const { connections } = ctx.sizes.load;

      const runs: PeerRun[] = [
        {
          key: 'flask/ping',
          label: 'Flask: public GET /ping (gunicorn, 2 workers)',
          spec: { url: `${jwtApp.baseUrl}/ping`, servers: flask(jwtApp) },
          baseline: 'flask/ping',
        },
        {
          key: 'flask/token',
          label: 'Flask: itsdangerous token GET /protected (gunicorn, 2 workers)',
          spec: {
            url: `${tokenApp.baseUrl}/protected`,
            headers: flaskToken.headers,
            servers: flask(tokenApp),
          },
          baseline: 'flask/ping',
        },
        {
          key: 'flask/jwt',
          label: 'Flask: PyJWT GET /protected (gunicorn, 2 workers)',
          spec: { url: `${jwtApp.baseUrl}/protected`, headers: flaskJwt.headers, servers: flask(jwtApp) },
          baseline: 'flask/ping',
        },
        {
          key: 'authbench/baseline',
          label: 'authbench: public GET /strategies (API_WORKERS=2)',
          spec: { url: `${api.baseUrl}/strategies`, servers },
          baseline: 'flask/ping',
        },
        {
          key: 'authbench/token',
          label: 'authbench: signed token GET /token/protected (API_WORKERS=2)',
          spec: {
            url: `${api.baseUrl}/token/protected`,
            headers: (await api.credential('token')).headers,
            servers,
          },
          baseline: 'flask/token',
        },
        {
          key: 'authbench/jwt',
          label: 'authbench: JWT GET /jwt/protected (API_WORKERS=2, denylist in Redis)',
          spec: {
            url: `${api.baseUrl}/jwt/protected`,
            headers: (await api.credential('jwt')).headers,
            servers,
          },
          baseline: 'flask/jwt',
        },
      ];
      const routes: RoundRoute<TutorialRoute>[] = runs;
      const byRoute = await runRounds(routes, rounds.count, (route, round) => {
        scope.step(`round ${round + 1}/${rounds.count} · ${route.label}`, done, total);
        done += 1;
        return ctx.loadgen.run(route.spec, {
          durationSec: rounds.durationSec,
          warmupSec: round === 0 ? rounds.firstWarmupSec : rounds.warmupSec,
        });
      });
      // CPU cases only when every route was metered in every round: each pairs with its baseline's.
      const withCpu = runs.every((run) => everyRoundMetered(byRoute.get(run.key) ?? [], connections));
      for (const run of runs) {
        const [server, route] = run.key.split('/') as [string, string];
        const cases = roundCases(
          byRoute.get(run.key) ?? [],
          connections,
          {
            id: `tutorial-peer/${run.key}`,
            label: run.label,
            baselineId: `tutorial-peer/${run.baseline}`,
            params: { server, route, workers: WORKERS, rounds: rounds.count },
          },
          withCpu,
        );
        for (const entry of cases) scope.add(entry);
      }
      scope.note(
        `${rounds.count} interleaved rounds (order rotated per round), every route in each; each figure is the median of the rounds with its order-statistic ${describeInterval(rounds.count)}. Server CPU µs/request (the …/cpu cases) is utime+stime from /proc over the measured window ÷ requests: for Flask, gunicorn's master and both workers; for authbench, its workers (Redis / PostgreSQL CPU reported separately). gunicorn runs its default sync workers, which close the connection after every response; autocannon reconnects. authbench keeps connections alive. Both are how each is deployed by default.`,
      );
      // Paired per round (results.ts): round i of authbench against round i of Flask.
      scope.target(
        {
          id: 'tutorial-jwt-vs-flask',
          description:
            'authbench JWT route ≥ 2.5× the req/s of the tutorial Flask JWT app, both with 2 worker processes (paired per round)',
          caseId: 'tutorial-peer/authbench/jwt',
          referenceId: 'tutorial-peer/flask/jwt',
          goal: 2.5,
        },
        (meta) => profileHttpRoute(ctx, meta, 'redis-2w', '/jwt/protected', 'jwt'),
      );
    } finally {
      await Promise.all([tokenApp.process.stop(), jwtApp.process.stop()]);
    }
  },
};
