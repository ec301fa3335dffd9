// What one refused login costs the API in CPU (issue #14 item 3: a flood answered at hundreds of
// refusals a second must not eat the core a legitimate login needs).
// Not a test: run by hand against built apps (`turbo run build --filter=@authbench/api...`):
//   node benchmarks/scripts/refusal-cpu.mjs [--main a/main.js,b/main.js] [--platforms express,fastify]
//        [--modes 429,503] [--rounds 5] [--seconds 4] [--fresh-connections]
// Each case starts the app afresh (fresh limits, the app's own options, LOG_LEVEL as configured:
// info by default, stdout to /dev/null), pinned as the benchmark harness pins it: the API (every
// thread) on CPU 0, this script and its flood child on CPU 1. Builds (`--main`, A/B) alternate
// their order round by round, so both meet the same machine. Per case it reports API CPU µs per
// refusal from /proc/<pid>/stat (utime + stime) over the flood's window:
// - 429: one address first spends its per-address failure budget (5N of LOGIN_RATE_LIMIT N/W),
//   then 16 closed-loop clients post wrong logins for ever-new usernames from it: every answer in
//   the window is a per-address 429.
// - 503: 16 clients from 16 fresh addresses post wrong logins for ever-new usernames: the hash
//   slots (one under `taskset -c 0`) fill and most answers are 503, then 429 once each address
//   has spent its budget on them. The window's CPU includes the hashes the slots admitted (the
//   401s); they are taken out at the median CPU of a 401 measured on the same process just
//   before the flood, and the rest is divided by every refusal (503 and 429): an estimate.
// Loopback is 127.0.0.0/8 on Linux, so `localAddress` gives each client its own address.
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMs, freePort, machineLoad, median, medianInterval, startPinnedApp } from './pinned-run.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARGS = process.argv.slice(2);
const option = (name, fallback) => {
  const at = ARGS.indexOf(name);
  return at === -1 ? fallback : ARGS[at + 1];
};
const MAINS = option('--main', join(ROOT, 'apps/api/dist/main.js'))
  .split(',')
  .map((path) => resolve(path));
const PLATFORMS = option('--platforms', 'express,fastify').split(',');
const MODES = option('--modes', '429,503').split(',');
const ROUNDS = Number(option('--rounds', '5'));
const SECONDS = Number(option('--seconds', '4'));
const FRESH_CONNECTIONS = ARGS.includes('--fresh-connections');
const CLIENTS = 16;
const API_CPU = '0';
const CLIENT_CPU = '1';
/** The default LOGIN_RATE_LIMIT is 10/60: 5 × 10 failures spend an address's failure budget. */
const ADDRESS_FAILURE_BUDGET = 50;

function post(port, from, body, agent) {
  const payload = JSON.stringify(body);
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/token/login',
        method: 'POST',
        ...(agent === undefined ? { localAddress: from, agent: false } : { agent }),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode));
      },
    );
    req.on('error', () => done(0));
    req.end(payload);
  });
}

// The flood runs in its own process, so the measuring event loop waits on nothing but the app.
if (ARGS[0] === '--flood') {
  const [, port, addresses] = ARGS;
  const froms = addresses.split(',');
  let running = true;
  let statuses = {};
  let n = 0;
  process.on('message', (message) => {
    // 'mark' opens the measured window: the counts start afresh there.
    if (message === 'mark') {
      statuses = {};
      process.send('marked');
    } else running = false;
  });
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const from = froms[i % froms.length];
      const agent = FRESH_CONNECTIONS
        ? undefined
        : new Agent({ keepAlive: true, maxSockets: 1, localAddress: from });
      while (running) {
        n += 1;
        const status = await post(
          Number(port),
          from,
          { username: `f${process.pid}-${n}`, password: 'wrong' },
          agent,
        );
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      agent?.destroy();
    }),
  );
  process.send(statuses, () => process.exit(0));
  await new Promise(() => undefined);
}

function startFlood(port, addresses) {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--flood',
      String(port),
      addresses.join(','),
      ...(FRESH_CONNECTIONS ? ['--fresh-connections'] : []),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const next = () => new Promise((done) => child.once('message', done));
  return {
    mark: async () => {
      const marked = next();
      child.send('mark');
      await marked;
    },
    stop: async () => {
      const answers = next();
      child.send('stop');
      return answers;
    },
  };
}

function startApp(main, platform, port) {
  return startPinnedApp(main, API_CPU, port, { HTTP_PLATFORM: platform }, ['ignore', 'ignore', 'inherit']);
}

/** One case on a fresh app: µs of API CPU per refusal, and every status the flood got. */
async function measure(main, platform, mode, round) {
  const port = await freePort();
  const app = await startApp(main, platform, port);
  try {
    const addresses =
      mode === '429'
        ? [`127.${40 + round}.1.1`]
        : Array.from({ length: CLIENTS }, (_, i) => `127.${40 + round}.2.${i + 1}`);
    // Warm-up, then the CPU of one 401 (one decoy hash and the request) for the 503 estimate:
    // the median of 8, one at a time (the first requests also pay for compiling the path).
    for (let i = 0; i < 4; i += 1)
      await post(port, `127.${40 + round}.3.${i + 1}`, { username: `w${i}`, password: 'wrong' });
    const hashes = [];
    for (let i = 0; i < 8; i += 1) {
      const start = cpuMs(app.pid) * 1000;
      await post(port, `127.${40 + round}.4.${i + 1}`, { username: `h${i}`, password: 'wrong' });
      hashes.push(cpuMs(app.pid) * 1000 - start);
    }
    const perHash = median(hashes.sort((x, y) => x - y));
    if (mode === '429') {
      let last = 0;
      for (let i = 0; i < ADDRESS_FAILURE_BUDGET + 2; i += 1) {
        last = await post(port, addresses[0], { username: `prime${i % 3}`, password: 'wrong' });
      }
      if (last !== 429) throw new Error(`priming ended with ${last}, not 429`);
    }
    const flood = startFlood(port, addresses);
    await new Promise((r) => setTimeout(r, 500));
    await flood.mark();
    const before = cpuMs(app.pid) * 1000;
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const spent = cpuMs(app.pid) * 1000 - before;
    // Answers in flight at either edge of the window: 16 at most, against thousands.
    const inWindow = await flood.stop();
    const refused = (inWindow['429'] ?? 0) + (inWindow['503'] ?? 0);
    const hashed = inWindow['401'] ?? 0;
    return { perRefusal: (spent - hashed * perHash) / refused, statuses: inWindow, perHash, spent };
  } finally {
    app.kill();
    await new Promise((r) => app.once('exit', r));
  }
}

execFileSync('taskset', ['-a', '-p', '-c', CLIENT_CPU, String(process.pid)], { stdio: 'ignore' });
console.log(
  `API on CPU ${API_CPU}, clients on CPU ${CLIENT_CPU}; ${ROUNDS} rounds × ${SECONDS} s; ` +
    `${FRESH_CONNECTIONS ? 'a new connection per request' : 'keep-alive connections'}; load ${machineLoad()}`,
);
const results = new Map();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const platform of PLATFORMS) {
    for (const mode of MODES) {
      const order = round % 2 === 0 ? MAINS : [...MAINS].reverse();
      for (const main of order) {
        const key = `${platform} ${mode} ${main}`;
        const result = await measure(main, platform, mode, round);
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(result.perRefusal);
        console.log(
          `round ${round + 1} ${key}: ${result.perRefusal.toFixed(0)} µs/refusal; ` +
            `answers ${JSON.stringify(result.statuses)}; API CPU ${(result.spent / 1000).toFixed(0)} ms, ` +
            `${(result.perHash / 1000).toFixed(1)} ms per 401; load ${machineLoad()}`,
        );
      }
    }
  }
}
console.log('\nmedian API CPU per refusal (µs), interval over rounds:');
for (const [key, values] of results) {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  const { low, high, confidence } = medianInterval(sorted);
  console.log(
    `  ${key}: ${median(sorted).toFixed(0)} (${(confidence * 100).toFixed(0)} % interval ${low.toFixed(0)}–${high.toFixed(0)}, n=${sorted.length})`,
  );
}

// Two builds: the ratio of each round's pair (second build / first, same round, same case), so
// that what the shared machine did in that round weighs on both sides alike.
if (MAINS.length === 2) {
  console.log(`\nper-round ratio ${MAINS[1]} / ${MAINS[0]}, median and interval over rounds:`);
  for (const platform of PLATFORMS) {
    for (const mode of MODES) {
      const first = results.get(`${platform} ${mode} ${MAINS[0]}`) ?? [];
      const second = results.get(`${platform} ${mode} ${MAINS[1]}`) ?? [];
      const ratios = first
        .map((value, round) => (second[round] ?? Number.NaN) / value)
        .filter(Number.isFinite)
        .sort((x, y) => x - y);
      if (ratios.length === 0) continue;
      const { low, high, confidence } = medianInterval(ratios);
      console.log(
        `  ${platform} ${mode}: ${median(ratios).toFixed(2)}× (${(confidence * 100).toFixed(0)} % interval ${low.toFixed(2)}–${high.toFixed(2)}, n=${ratios.length})`,
      );
    }
  }
}
