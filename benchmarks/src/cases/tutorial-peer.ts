import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@authbench/test-support';
import { waitForWorkers } from '../lib/api-process.js';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { type Credential, ensureUser, login, waitForHttp } from '../lib/http.js';
import { profileHttpRoute } from '../lib/http-profile.js';
import { loadNotes, loadNumbers } from '../lib/loadgen.js';
import type { ManagedProcess } from '../lib/processes.js';
import { missingPython, PYTHON_DIR } from '../lib/python.js';
import { missingService } from '../lib/services.js';

/**
 * Question 6: the tutorial as reference peer. Two Flask apps of the classic shape
 * (benchmarks/python: register/login/protected, users in SQLite, a generic itsdangerous token
 * or a PyJWT HS256 token checked by a `token_required` decorator that reads the user), served
 * by Debian's gunicorn with 2 sync workers, against authbench with API_WORKERS=2 (Redis +
 * PostgreSQL, the configuration several workers need), under the same load, pinned alike.
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

export const tutorialPeer: Family = {
  id: 'tutorial-peer',
  title: 'The tutorial as reference peer (Flask + gunicorn)',
  description:
    'Requests per second of the classic Flask token and JWT apps (gunicorn, 2 sync workers, SQLite users) against authbench at API_WORKERS=2, same load, same CPUs. The authbench routes are compared with the Flask route of the same kind.',
  missing: (ctx) => [
    ...missingPython(ctx.python, ['Flask', 'itsdangerous', 'PyJWT', 'gunicorn']),
    ...[missingService('redis'), missingService('postgres')].filter((entry) => entry !== null),
  ],
  apiConfigs: () => ['redis-2w'],
  estimateSeconds: (ctx) => 6 * (ctx.sizes.load.warmupSec + ctx.sizes.load.durationSec + 0.4) + 6,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const total = 6;
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
      const { connections } = ctx.sizes.load;

      const runs: {
        id: string;
        label: string;
        url: string;
        headers: Readonly<Record<string, string>>;
        baselineId: string;
        params: Record<string, string | number>;
      }[] = [
        {
          id: 'tutorial-peer/flask/ping',
          label: 'Flask: public GET /ping (gunicorn, 2 workers)',
          url: `${jwtApp.baseUrl}/ping`,
          headers: {},
          baselineId: 'tutorial-peer/flask/ping',
          params: { server: 'flask', route: 'ping' },
        },
        {
          id: 'tutorial-peer/flask/token',
          label: 'Flask: itsdangerous token GET /protected (gunicorn, 2 workers)',
          url: `${tokenApp.baseUrl}/protected`,
          headers: flaskToken.headers,
          baselineId: 'tutorial-peer/flask/ping',
          params: { server: 'flask', route: 'token' },
        },
        {
          id: 'tutorial-peer/flask/jwt',
          label: 'Flask: PyJWT GET /protected (gunicorn, 2 workers)',
          url: `${jwtApp.baseUrl}/protected`,
          headers: flaskJwt.headers,
          baselineId: 'tutorial-peer/flask/ping',
          params: { server: 'flask', route: 'jwt' },
        },
        {
          id: 'tutorial-peer/authbench/baseline',
          label: 'authbench: public GET /strategies (API_WORKERS=2)',
          url: `${api.baseUrl}/strategies`,
          headers: {},
          baselineId: 'tutorial-peer/flask/ping',
          params: { server: 'authbench', route: 'baseline' },
        },
        {
          id: 'tutorial-peer/authbench/token',
          label: 'authbench: signed token GET /token/protected (API_WORKERS=2)',
          url: `${api.baseUrl}/token/protected`,
          headers: (await api.credential('token')).headers,
          baselineId: 'tutorial-peer/flask/token',
          params: { server: 'authbench', route: 'token' },
        },
        {
          id: 'tutorial-peer/authbench/jwt',
          label: 'authbench: JWT GET /jwt/protected (API_WORKERS=2, denylist in Redis)',
          url: `${api.baseUrl}/jwt/protected`,
          headers: (await api.credential('jwt')).headers,
          baselineId: 'tutorial-peer/flask/jwt',
          params: { server: 'authbench', route: 'jwt' },
        },
      ];
      for (const run of runs) {
        scope.step(run.label, done, total);
        const result = await ctx.loadgen.run({ url: run.url, headers: run.headers });
        done += 1;
        scope.add({
          id: run.id,
          label: run.label,
          unit: 'req/s',
          better: 'higher',
          value: result.reqPerSec,
          numbers: loadNumbers(result, connections),
          baselineId: run.baselineId,
          params: { ...run.params, workers: WORKERS },
          notes: loadNotes(result, connections),
        });
      }
      scope.note(
        'gunicorn runs its default sync workers, which close the connection after every response; autocannon reconnects. authbench keeps connections alive. Both are how each is deployed by default.',
      );
      scope.target(
        {
          id: 'tutorial-jwt-vs-flask',
          description: 'authbench JWT route ≥ 2.5× the tutorial Flask JWT app, both with 2 worker processes',
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
