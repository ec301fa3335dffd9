// A legitimate login's latency during a hash flood (security review, Hardening item 3).
// Not a test: run by hand against the built app (`turbo run build --filter=@authbench/api...`):
//   node benchmarks/scripts/hash-flood-latency.mjs [LOGIN_RATE_LIMIT] [--rounds N]
// Starts apps/api/dist/main.js afresh per case (fresh limits), registers a user and logs it in
// (its address is then known to the hash slots), then measures sequential logins from 127.0.0.1
// in interleaved rounds: quiet, then while 16 closed-loop clients post logins with ever-new
// usernames and wrong passwords, (a) all from one address, (b) from 16 addresses. Each round's
// flooders use fresh addresses, so every round starts from the same limits.
// Pinned as the benchmark harness pins: the API (every thread, libuv's pool included) on CPU 0,
// this script and the flood on CPU 1, so the flood's client work never takes the API's core.
// Loopback is 127.0.0.0/8 on Linux, so `localAddress` gives each client its own address.
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMs, freePort, machineLoad, median, medianInterval, startPinnedApp } from './pinned-run.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARGS = process.argv.slice(2);
const ROUNDS_AT = ARGS.indexOf('--rounds');
// Six rounds: the smallest and largest of six ratios bound their median with 97 % confidence.
const ROUNDS = ROUNDS_AT === -1 ? 6 : Number(ARGS[ROUNDS_AT + 1]);
const LIMIT = ARGS[0] === '--flood' || ARGS[0] === '--rounds' ? undefined : ARGS[0]; // e.g. 100000/60 takes the per-address limits out of the way
const SAMPLES = 12;
const API_CPU = '0';
const CLIENT_CPU = '1';
const WARM_UP_MS = 1_000;
const PASSWORD = 'correct horse battery';

function post(port, from, path, body) {
  const payload = JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(payload);
  });
}

function startApp(port) {
  const env = { LOG_LEVEL: 'silent', ...(LIMIT === undefined ? {} : { LOGIN_RATE_LIMIT: LIMIT }) };
  return startPinnedApp(join(ROOT, 'apps/api/dist/main.js'), API_CPU, port, env, 'inherit');
}

async function legitLogins(port, username) {
  const answers = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    answers.push(await post(port, '127.0.0.1', '/token/login', { username, password: PASSWORD }));
    await new Promise((r) => setTimeout(r, 100));
  }
  const ok = answers
    .filter((a) => a.status === 200)
    .map((a) => a.ms)
    .sort((x, y) => x - y);
  const refused = answers.filter((a) => a.status !== 200).map((a) => a.status);
  return { median: median(ok), min: ok[0], max: ok.at(-1), ok: ok.length, refused };
}

// The flood runs in its own process, so the measuring event loop waits on nothing but the app.
if (process.argv[2] === '--flood') {
  const port = Number(process.argv[3]);
  const addresses = process.argv[4].split(',');
  let running = true;
  const statuses = {};
  let n = 0;
  process.on('message', () => {
    running = false;
  });
  const loops = Array.from({ length: 16 }, async (_, i) => {
    const from = addresses[i % addresses.length];
    while (running) {
      n += 1;
      const { status } = await post(port, from, '/token/login', {
        username: `flood-${process.pid}-${i}-${n}`,
        password: 'wrong',
      });
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  });
  await Promise.all(loops);
  process.send(statuses, () => process.exit(0));
  await new Promise(() => undefined);
}

function flood(port, addresses) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--flood', String(port), addresses.join(',')],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const answers = new Promise((resolve) => child.once('message', resolve));
  return {
    stop: async () => {
      child.send('stop');
      return answers;
    },
  };
}

const fmt = (r) =>
  `median ${r.median.toFixed(0)} ms (min ${r.min?.toFixed(0)}, max ${r.max?.toFixed(0)}), ${r.ok}/${SAMPLES} ok` +
  (r.refused.length > 0 ? `, refused: ${r.refused.join(' ')}` : '');

const floodAddresses = (round, count) =>
  Array.from({ length: count }, (_, i) => `127.${20 + round}.9.${i + 1}`);
const cases = [
  ['(a) 16 clients from one address', (round) => floodAddresses(round, 1)],
  ['(b) 16 clients from 16 addresses', (round) => floodAddresses(round, 16)],
];
// This script and its flood child (which inherits the mask) on the clients' CPU, every thread.
execFileSync('taskset', ['-a', '-p', '-c', CLIENT_CPU, String(process.pid)], { stdio: 'ignore' });
console.log(
  `LOGIN_RATE_LIMIT ${LIMIT ?? 'default (10/60)'}; API on CPU ${API_CPU}, clients on CPU ${CLIENT_CPU}; ` +
    `${ROUNDS} rounds of ${SAMPLES} quiet then ${SAMPLES} flooded sequential logins; load ${machineLoad()}`,
);
for (const [name, addressesOf] of cases) {
  const port = await freePort();
  const app = await startApp(port);
  try {
    const username = `legit-${Date.now()}`;
    const reg = await post(port, '127.0.0.1', '/register', { username, password: PASSWORD });
    if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
    await legitLogins(port, username); // warm-up (JIT, decoy hash); the address is known from here
    console.log(name);
    const ratios = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      let cpu = cpuMs(app.pid);
      const quiet = await legitLogins(port, username);
      const quietCpu = (cpuMs(app.pid) - cpu) / SAMPLES;
      const load = flood(port, addressesOf(round));
      await new Promise((r) => setTimeout(r, WARM_UP_MS));
      cpu = cpuMs(app.pid);
      const started = performance.now();
      const flooded = await legitLogins(port, username);
      const floodedCpu = cpuMs(app.pid) - cpu;
      const seconds = (performance.now() - started) / 1000;
      const statuses = await load.stop();
      const ratio = flooded.median / quiet.median;
      ratios.push(ratio);
      console.log(
        `  round ${round + 1}: quiet ${fmt(quiet)}, API CPU ${quietCpu.toFixed(1)} ms/login\n` +
          `           flooded ${fmt(flooded)}; ratio ${ratio.toFixed(2)}; API CPU ${(floodedCpu / 10 / seconds).toFixed(0)} % of its core\n` +
          `           flood answers ${JSON.stringify(statuses)}; load ${machineLoad()}`,
      );
    }
    const sorted = ratios.filter(Number.isFinite).sort((x, y) => x - y);
    const { low, high, confidence } = medianInterval(sorted);
    console.log(
      `  => median ratio ${median(sorted).toFixed(2)}× (${(confidence * 100).toFixed(0)} % interval ${low.toFixed(2)}–${high.toFixed(2)}) over ${sorted.length} rounds`,
    );
  } finally {
    app.kill();
    await new Promise((r) => app.once('exit', r));
  }
}
