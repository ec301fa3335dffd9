// What a session request costs in Redis round trips: `GET` alone (this package: no touch until
// `touchAfterSeconds` have passed) versus `GET` + a touch on every request (connect-redis's
// default `EXPIRE`, or our `SET … XX` when a refresh is due). Run after `pnpm run build`:
//   node scripts/measure-touch.mjs [iterations]
// It starts a throwaway redis-server on a free loopback port and prints p50/p90 latencies.
import { request } from 'node:http';
import { RedisConnection } from '@authbench/auth-stores';
import { startTestRedis } from '@authbench/test-support';
import express from 'express';
import { createSessionStrategy } from '../dist/index.js';

const iterations = Number(process.argv[2] ?? 5000);
const secret = 'measure-touch-secret-0123456789abcdef';

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) * p)];
}

async function timeEach(run) {
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await run(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return { p50: percentile(samples, 0.5), p90: percentile(samples, 0.9) };
}

function httpGet(port, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { cookie }, agent: keepAlive }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

function httpLogin(port) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/login', method: 'POST', agent: keepAlive },
      (res) => {
        res.resume();
        res.on('end', () => resolve((res.headers['set-cookie'] ?? [''])[0].split(';')[0]));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const { Agent } = await import('node:http');
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

const server = await startTestRedis();
const redis = new RedisConnection(server.url);
await redis.connect();
try {
  const key = 'measure:sess:x';
  await redis.command(key, [
    'SET',
    key,
    JSON.stringify({ userId: 'u', username: 'u', loginAt: 0, lastSeenAt: 0 }),
  ]);
  const getOnly = await timeEach(() => redis.command(key, ['GET', key]));
  const getExpire = await timeEach(async () => {
    await redis.command(key, ['GET', key]);
    await redis.command(key, ['EXPIRE', key, '1800']);
  });

  // End to end over HTTP: the same strategy, with and without a refresh on every request.
  let now = Date.UTC(2030, 0, 1);
  const strategy = createSessionStrategy({
    secrets: [secret],
    idleTtlSeconds: 1800,
    absoluteTtlSeconds: 1e9, // no absolute cap here: the clock below moves far
    cookieSecure: false,
    redis,
    now: () => now,
    keyPrefix: 'measure:',
  });
  const app = express();
  app.post('/login', async (req, res) =>
    res.json(await strategy.issue({ id: 'u', username: 'u' }, { request: req, response: res })),
  );
  app.get('/protected', async (req, res) => {
    await strategy.authenticate({ request: req, response: res });
    res.json({ ok: true });
  });
  const http = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = http.address().port;
  const cookie = await httpLogin(port);
  const noRefresh = () => httpGet(port, '/protected', cookie);
  const refresh = () => {
    now += 181_000; // past touchAfterSeconds (default 180 s): this request refreshes
    return httpGet(port, '/protected', cookie);
  };
  await timeEach(noRefresh); // warm-up
  await timeEach(refresh);
  const httpNoTouch = await timeEach(noRefresh);
  const httpTouchEach = await timeEach(refresh);
  http.closeAllConnections();
  http.close();

  const table = {
    'redis GET': getOnly,
    'redis GET + EXPIRE (connect-redis touch)': getExpire,
    'HTTP authenticate, no refresh due (1 command)': httpNoTouch,
    'HTTP authenticate, refresh every request (2 commands)': httpTouchEach,
  };
  console.log(`iterations: ${iterations}, node ${process.version}`);
  for (const [name, { p50, p90 }] of Object.entries(table)) {
    console.log(
      `${name.padEnd(55)} p50 ${p50.toFixed(1).padStart(7)} µs   p90 ${p90.toFixed(1).padStart(7)} µs`,
    );
  }
} finally {
  keepAlive.destroy();
  await redis.close();
  await server.stop();
}
