import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import {
  busyReason,
  cpuShares,
  parseChildren,
  parseListeningInode,
  parseProcStat,
  parseStatTicks,
  pidListeningOn,
  processTree,
  settleMachine,
  treeCpuMs,
} from '../src/lib/proc.js';

const linux = process.platform === 'linux';

describe('/proc parsing', () => {
  it('reads utime + stime (fields 14, 15) even when comm holds spaces and parentheses', () => {
    const stat =
      '4242 (node (worker) x) S 4200 4242 4200 0 -1 4194560 5135 0 0 0 1234 567 11 22 20 0 11 0 9876 1180000000 12000 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0';
    expect(parseStatTicks(stat)).toBe(1234 + 567);
    expect(() => parseStatTicks('garbage')).toThrow();
    expect(parseStatTicks(stat, { withReapedChildren: true })).toBe(1234 + 567 + 11 + 22);
  });

  it('reads children lists', () => {
    expect(parseChildren('101 102 \n')).toEqual([101, 102]);
    expect(parseChildren('')).toEqual([]);
  });

  it('reads the aggregate cpu line of /proc/stat, steal included, guest not counted twice', () => {
    const text = ['cpu  100 5 50 800 10 1 4 30 20 0', 'cpu0 50 2 25 400 5 0 2 15 10 0', 'intr 1 2 3'].join(
      '\n',
    );
    expect(parseProcStat(text)).toEqual({ total: 1000, idle: 810, steal: 30 });
    const later = parseProcStat('cpu  200 5 50 850 10 1 4 80 20 0\n');
    // 200 ticks elapsed: 50 idle, 50 stolen.
    expect(cpuShares(parseProcStat(text), later)).toEqual({ busy: 0.75, steal: 0.25 });
  });

  it('finds the inode of a listening socket by port in /proc/net/tcp', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55501 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 55502 1 0000000000000000 20 4 30 10 -1',
      '   2: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55503 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    expect(parseListeningInode(text, 8080)).toBe(55501);
    expect(parseListeningInode(text, 6379)).toBe(55503);
    expect(parseListeningInode(text, 5432)).toBeNull();
  });

  it('calls a run busy on high load, a busy machine or steal', () => {
    expect(busyReason({ loadAverage1: 0.2, busyShare: 0.05, stealShare: 0 }, 4)).toBeNull();
    expect(busyReason({ loadAverage1: 3, busyShare: 0.05, stealShare: 0 }, 4)).toMatch(/load average/);
    expect(busyReason({ loadAverage1: 0, busyShare: 0.5, stealShare: 0 }, 4)).toMatch(/busy/);
    expect(busyReason({ loadAverage1: 0, busyShare: null, stealShare: 0.03 }, 4)).toMatch(/steal/);
  });
});

describe('/proc readers (Linux)', () => {
  (linux ? it : it.skip)(
    'sums the CPU of a process tree, children included',
    async () => {
      // A child that burns 300 ms of its own CPU time (not wall time: on a loaded machine 300 ms of
      // wall clock may hold far less CPU), then waits to be killed.
      const child = spawn(process.execPath, [
        '-e',
        'const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; const start = used(); while (used() - start < 300); setInterval(() => {}, 1000); process.stdout.write("done\\n");',
      ]);
      try {
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        const tree = await processTree(process.pid);
        expect(tree).toContain(process.pid);
        expect(tree).toContain(child.pid);
        const own = (await treeCpuMs(child.pid ?? 0)) ?? 0;
        expect(own).toBeGreaterThanOrEqual(200);
        const all = (await treeCpuMs(process.pid)) ?? 0;
        expect(all).toBeGreaterThanOrEqual(own);
      } finally {
        child.kill();
      }
    },
    60_000,
  );

  (linux ? it : it.skip)(
    "keeps a child's time in the tree after the child exits (its parent reaped it)",
    async () => {
      // The parent, on "go", runs a child that burns 300 ms of its own CPU and exits, waits for it
      // (spawnSync reaps it), then says "done" and stays. Without cutime + cstime the child's time
      // would leave the tree with it, and the tree would show almost nothing for the window.
      const burner =
        'const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; const start = used(); while (used() - start < 300);';
      const parent = spawn(process.execPath, [
        '-e',
        `const { spawnSync } = require('node:child_process'); process.stdin.once('data', () => { spawnSync(process.execPath, ['-e', ${JSON.stringify(burner)}]); process.stdout.write('done\\n'); }); setInterval(() => {}, 1000); process.stdout.write('ready\\n');`,
      ]);
      try {
        const said = (word: string) =>
          new Promise<void>((resolve) => {
            const listen = (chunk: Buffer) => {
              if (chunk.toString('utf8').includes(word)) {
                parent.stdout.off('data', listen);
                resolve();
              }
            };
            parent.stdout.on('data', listen);
          });
        await said('ready');
        const before = (await treeCpuMs(parent.pid ?? 0)) ?? 0;
        const done = said('done');
        parent.stdin.write('go\n');
        await done;
        const after = (await treeCpuMs(parent.pid ?? 0)) ?? 0;
        expect(after - before).toBeGreaterThanOrEqual(250);
      } finally {
        parent.kill();
      }
    },
    120_000,
  );

  (linux ? it : it.skip)('finds the process listening on a port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      expect(await pidListeningOn(port)).toBe(process.pid);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  (linux ? it : it.skip)(
    'stops waiting for a quiet machine at its bound, with a sample',
    async () => {
      // A machine with "0 cores" is always busy by the load rule, so the wait must end at maxMs.
      const waits: string[] = [];
      const started = Date.now();
      const sample = await settleMachine(0, 1_500, (reason) => waits.push(reason));
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(waits.length).toBeGreaterThanOrEqual(1);
      expect(waits[0]).toMatch(/load average/);
      expect(typeof sample.loadAverage1).toBe('number');
    },
    60_000,
  );
});
