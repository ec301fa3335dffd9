// A legitimate login's latency during a hash flood (security review, Hardening item 3).
// Not a test: run by hand against the built app (`turbo run build --filter=@authbench/api...`):
//   node benchmarks/scripts/hash-flood-latency.mjs [LOGIN_RATE_LIMIT]
// Starts apps/api/dist/main.js afresh per case (fresh limits), registers a user, then measures
// sequential logins from 127.0.0.1: quiet, then while 16 closed-loop clients post logins with
// ever-new usernames and wrong passwords, (a) all from 127.0.9.1, (b) from 127.0.9.1–16.
// Loopback is 127.0.0.0/8 on Linux, so `localAddress` gives each client its own address.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIMIT = process.argv[2] === '--flood' ? undefined : process.argv[2]; // e.g. 100000/60 takes the per-address limits out of the way
const SAMPLES = 12;
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

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startApp(port) {
  const env = { ...process.env, PORT: String(port), DATA_DIR: ':memory:', LOG_LEVEL: 'silent' };
  if (LIMIT !== undefined) env.LOGIN_RATE_LIMIT = LIMIT;
  const child = spawn(process.execPath, [join(ROOT, 'apps/api/dist/main.js')], { env, stdio: 'inherit' });
  for (let i = 0; i < 1200; i += 1) {
    // Up to 2 minutes: a loaded shared machine starts the app slowly.
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the app did not start');
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
  const median = ok.length === 0 ? NaN : ok[Math.floor((ok.length - 1) / 2)];
  return { median, min: ok[0], max: ok.at(-1), ok: ok.length, refused };
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
        username: `flood-${i}-${n}`,
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

const cases = [
  ['(a) 16 clients from 127.0.9.1', ['127.0.9.1']],
  ['(b) 16 clients from 127.0.9.1-16', Array.from({ length: 16 }, (_, i) => `127.0.9.${i + 1}`)],
];
// The machine's load beside each case: on a shared machine the ratio means little without it.
const machineLoad = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `LOGIN_RATE_LIMIT ${LIMIT ?? 'default (10/60)'}, ${SAMPLES} sequential logins each, load ${machineLoad()}`,
);
for (const [name, addresses] of cases) {
  const port = await freePort();
  const app = await startApp(port);
  try {
    const username = `legit-${Date.now()}`;
    const reg = await post(port, '127.0.0.1', '/register', { username, password: PASSWORD });
    if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
    await legitLogins(port, username); // warm-up (JIT, decoy hash)
    const quiet = await legitLogins(port, username);
    const load = flood(port, addresses);
    await new Promise((r) => setTimeout(r, WARM_UP_MS));
    const flooded = await legitLogins(port, username);
    const statuses = await load.stop();
    console.log(
      `${name}\n  quiet:   ${fmt(quiet)}\n  flooded: ${fmt(flooded)}  (ratio ${(flooded.median / quiet.median).toFixed(2)})\n  flood answers: ${JSON.stringify(statuses)}\n  load average after: ${machineLoad()}`,
    );
  } finally {
    app.kill();
    await new Promise((r) => app.once('exit', r));
  }
}
