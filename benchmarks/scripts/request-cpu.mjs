#!/usr/bin/env node
/**
 * Server CPU per request of the built API (apps/api/dist/main.js), for work on the request
 * path: wall time and req/s mean little on a shared machine, the server's own utime+stime
 * (/proc/<pid>/stat) per request much more. The API is pinned to one CPU and autocannon to
 * another (taskset); routes and platforms are interleaved round by round, and the median of
 * the rounds is printed. Absolute figures are indicative; compare A/B in the same run.
 *
 *   node benchmarks/scripts/request-cpu.mjs [--rounds 3] [--requests 4000]
 *     [--platforms express,fastify] [--levels silent,info] [--routes strategies,jwt,...]
 *     [--main apps/api/dist/main.js[,other/main.js]] [--profile DIR] [--peers lean-nest,bare-jwt]
 *   --peers: the benchmark's peers (benchmarks/dist, build it first) in the same rounds, pinned
 *   like the API, given the first build's JWT secret, issuer, audience and /strategies body:
 *   lean-nest's public and JWT routes, bare-jwt's JWT route, as `peer <kind>` rows.
 *   --profile DIR: a CPU profile of each measured run (not warm-up, not start-up) in DIR, the
 *   peers' too; summarise one with profile-top.mjs FILE <requests>. The profiler's own stop
 *   (inspector `dispatch`) shows in each profile: leave it out when comparing.
 *
 * Linux only (procfs, taskset). LOG_LEVEL=info writes its logs to /dev/null.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const require = createRequire(resolve(root, 'benchmarks/package.json'));
const autocannon = require('autocannon');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '4000' },
    platforms: { type: 'string', default: 'express,fastify' },
    levels: { type: 'string', default: 'silent' },
    routes: { type: 'string', default: 'strategies,session,token,jwt,opaque' },
    // Several builds, comma-separated (e.g. a copy of the tree before a change): A/B, interleaved.
    main: { type: 'string', default: 'apps/api/dist/main.js' },
    profile: { type: 'string' },
    connections: { type: 'string', default: '8' },
    peers: { type: 'string', default: '' },
  },
});
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const connections = Number(values.connections);
const platforms = values.platforms.split(',');
const levels = values.levels.split(',');
const routes = values.routes.split(',');
const mains = values.main.split(',');
const peers = values.peers === '' ? [] : values.peers.split(',');
const PEER_SCRIPTS = {
  'lean-nest': 'benchmarks/dist/lib/peers/lean-nest.js',
  'bare-jwt': 'benchmarks/dist/lib/bare-jwt-server.js',
};
const CLK_TCK = 100; // getconf CLK_TCK on Linux

function cpuTicks(pid) {
  // Fields after the command name (which may hold spaces): utime is 14th, stime 15th overall.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * --profile: the preload that profiles the measured requests only (`start` … `stop` over IPC),
 * for the API and the peers alike, so that their profiles compare.
 */
function profilerArgs(env) {
  if (values.profile === undefined) return [];
  env.REQUEST_CPU_PROFILE_DIR = values.profile;
  return ['--require', fileURLToPath(new URL('./request-cpu-profiler.cjs', import.meta.url))];
}

function profilerStdio() {
  return values.profile === undefined ? [] : ['ipc'];
}

let nextPort = 41_000 + Math.floor(Math.random() * 1000);

/**
 * The API on a free port: the ports are shared with whatever else runs on the machine, so an
 * API that exits before it answers (EADDRINUSE) is started again on the next port, and an
 * answer counts only while our child is alive (another server may hold the port).
 */
async function startApi(main, platform, level) {
  for (let tries = 1; ; tries += 1) {
    const api = await tryStartApi(main, platform, level);
    if (api !== null) return api;
    if (tries === 5) throw new Error('API did not start on 5 ports');
  }
}

/** Whether nothing listens on the port now (a server elsewhere would answer our /health). */
function portIsFree(port) {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

async function tryStartApi(main, platform, level) {
  const port = nextPort++;
  if (!(await portIsFree(port))) return null;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: level,
    DATA_DIR: ':memory:',
    HTTP_PLATFORM: platform,
    PORT: String(port),
    HOST: '127.0.0.1',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  const jwtSecret = env.JWT_SECRET;
  const out = openSync('/dev/null', 'w');
  const child = spawn('taskset', ['-c', '0', process.execPath, ...profilerArgs(env), resolve(root, main)], {
    env,
    stdio: ['ignore', out, 'inherit', ...profilerStdio()],
  });
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let attempt = 0; ; attempt += 1) {
    if (exited) return null;
    try {
      const response = await fetch(`${base}/health`);
      if (response.ok && !exited) break;
    } catch {}
    if (attempt > 600) throw new Error('API did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, pid: child.pid, jwtSecret };
}

/** A peer on the API's CPU, checking what the API's JWT carries; its routes as [route, url, headers]. */
async function startPeer(kind, platform, api, headers) {
  const token = headers.jwt.authorization.slice('Bearer '.length);
  const { iss, aud } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'production' };
  if (kind === 'bare-jwt')
    Object.assign(env, { BARE_JWT_SECRET: api.jwtSecret, BARE_JWT_ISSUER: iss, BARE_JWT_AUDIENCE: aud });
  else
    Object.assign(env, {
      PEER_JWT_SECRET: api.jwtSecret,
      PEER_PLATFORM: platform,
      PEER_JWT_ISSUER: iss,
      PEER_JWT_AUDIENCE: aud,
      PEER_PUBLIC_BODY: await (await fetch(`${api.base}/strategies`)).text(),
    });
  const child = spawn(
    'taskset',
    ['-c', '0', process.execPath, ...profilerArgs(env), resolve(root, PEER_SCRIPTS[kind])],
    { env, stdio: ['ignore', 'pipe', 'inherit', ...profilerStdio()] },
  );
  const base = await new Promise((done, fail) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) done(match[1]);
    });
    child.once('exit', () => fail(new Error(`peer ${kind} exited`)));
  });
  const routes =
    kind === 'bare-jwt'
      ? [['jwt', `${base}/`, headers.jwt]]
      : [
          ['strategies', `${base}/strategies`, {}],
          ['jwt', `${base}/jwt/protected`, headers.jwt],
        ];
  return { child, pid: child.pid, routes };
}

async function credentials(base) {
  const username = `cpu_${randomBytes(4).toString('hex')}`;
  const password = 'measurement password, not a secret';
  const post = (path, body) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const registered = await post('/register', { username, password });
  if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
  const headers = {};
  // The peers check the API's own JWT (its secret, issuer, audience): logged in to even when
  // the jwt route itself is not measured.
  const logins = new Set(routes.filter((route) => route !== 'strategies'));
  if (peers.length > 0) logins.add('jwt');
  for (const strategy of logins) {
    const response = await post(`/${strategy}/login`, { username, password });
    if (response.status !== 200) throw new Error(`${strategy} login: ${response.status}`);
    const cookie = response.headers.get('set-cookie');
    headers[strategy] = cookie
      ? { cookie: cookie.split(';')[0] }
      : { authorization: `Bearer ${(await response.json()).token}` };
  }
  return headers;
}

function drive(url, headers, amount) {
  return new Promise((done, fail) => {
    autocannon({ url, headers, amount, connections, pipelining: 1 }, (error, result) => {
      if (error) fail(error);
      else if (result.non2xx > 0 || result.errors > 0)
        fail(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      else done(result);
    });
  });
}

function reply(child, message, expected) {
  return new Promise((done) => {
    const listener = (answer) => {
      if (answer !== expected) return;
      child.off('message', listener);
      done();
    };
    child.on('message', listener);
    child.send(message);
  });
}

async function profiled(api, label, run) {
  if (values.profile === undefined) return run();
  await reply(api.child, 'start', 'started');
  const result = await run();
  await reply(api.child, `stop ${label}`, 'stopped');
  return result;
}

async function measure(api, route, headers, label, url = routeUrl(api.base, route)) {
  const [before, after] = await profiled(api, label, async () => {
    const start = cpuTicks(api.pid);
    await drive(url, headers, requests);
    return [start, cpuTicks(api.pid)];
  });
  return ((after - before) * (1_000_000 / CLK_TCK)) / requests;
}

function routeUrl(base, route) {
  return route === 'strategies' ? `${base}/strategies` : `${base}/${route}/protected`;
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Each peer in turn, while the first build's API (idle) is up: its secret and body. */
async function measurePeers(api, platform, level, round, headers, samples) {
  for (const kind of peers) {
    const peer = await startPeer(kind, platform, api, headers);
    try {
      for (const [, url, routeHeaders] of peer.routes) await drive(url, routeHeaders, 2000);
      for (const [route, url, routeHeaders] of peer.routes) {
        const key = `${mains.length > 1 ? 'peer\t' : ''}${platform}\t${level}\tpeer ${kind} ${route}`;
        const value = await measure(
          peer,
          route,
          routeHeaders,
          `peer-${kind}-${platform}-${route}-${round}`,
          url,
        );
        samples.set(key, [...(samples.get(key) ?? []), value]);
        process.stderr.write(`round ${round}\t${key}\t${value.toFixed(0)}\n`);
      }
    } finally {
      peer.child.kill('SIGTERM');
      await new Promise((r) => peer.child.once('exit', r));
    }
  }
}

// autocannon on CPU 1, away from the server on CPU 0.
if (process.env.REQUEST_CPU_PINNED !== '1') {
  const child = spawn(
    'taskset',
    ['-c', '1', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, REQUEST_CPU_PINNED: '1' },
    },
  );
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  const samples = new Map();
  for (let round = 0; round < rounds; round += 1) {
    for (const level of levels) {
      for (const platform of platforms) {
        for (const [build, main] of mains.entries()) {
          const api = await startApi(main, platform, level);
          try {
            const headers = await credentials(api.base);
            // Warm-up of every route first: JIT and caches, and start-up's own leftovers.
            for (const route of routes) {
              const url =
                route === 'strategies' ? `${api.base}/strategies` : `${api.base}/${route}/protected`;
              await drive(url, route === 'strategies' ? {} : headers[route], 2000);
            }
            // Rotate the route order each round, so no route always runs first.
            const order = routes.map((_, index) => routes[(index + round) % routes.length]);
            for (const route of order) {
              const key = `${mains.length > 1 ? `build ${build}\t` : ''}${platform}\t${level}\t${route}`;
              const value = await measure(
                api,
                route,
                route === 'strategies' ? {} : headers[route],
                `${build}-${platform}-${level}-${route}-${round}`,
              );
              samples.set(key, [...(samples.get(key) ?? []), value]);
              // Each sample as it comes, on stderr: a long run under load shows its progress.
              process.stderr.write(`round ${round}\t${key}\t${value.toFixed(0)}\n`);
            }
            if (build === 0) await measurePeers(api, platform, level, round, headers, samples);
          } finally {
            api.child.kill('SIGTERM');
            await new Promise((r) => api.child.once('exit', r));
          }
        }
      }
    }
  }
  console.log(`${mains.length > 1 ? 'build\t' : ''}platform\tlevel\troute\tmedian µs/req\trounds`);
  for (const [key, list] of samples) {
    console.log(`${key}\t${median(list).toFixed(0)}\t${list.map((v) => v.toFixed(0)).join(' ')}`);
  }
}
