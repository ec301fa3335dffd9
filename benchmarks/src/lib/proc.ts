import { readdir, readFile, readlink } from 'node:fs/promises';
import { loadavg } from 'node:os';

/**
 * Server CPU from the kernel's own counters (Linux /proc): utime + stime of a process and every
 * process below it, the machine's steal time, and which process listens on a TCP port. The
 * parsers are pure (unit-tested on captured text); the readers return null off Linux.
 */

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`): 100 on every Linux port Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime (fields 14 and 15, in clock ticks) of one `/proc/<pid>/stat` line. */
export function parseStatTicks(stat: string, options: { withReapedChildren?: boolean } = {}): number {
  // comm (field 2) is in parentheses and may hold spaces or ')': split after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`no utime/stime in /proc/<pid>/stat: ${stat.slice(0, 80)}`);
  }
  if (options.withReapedChildren !== true) return utime + stime;
  // cutime + cstime (fields 16, 17): the time of children this process has waited for.
  const cutime = Number(fields[16 - 3]);
  const cstime = Number(fields[17 - 3]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) {
    throw new Error(`no cutime/cstime in /proc/<pid>/stat: ${stat.slice(0, 80)}`);
  }
  return utime + stime + cutime + cstime;
}

/** The pids of a `/proc/<pid>/task/<tid>/children` file (space-separated). */
export function parseChildren(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}

/** The aggregate `cpu` line of /proc/stat, in clock ticks. */
export interface CpuTimes {
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
}

export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((entry) => /^cpu\s/.test(entry));
  if (line === undefined) throw new Error('no aggregate cpu line in /proc/stat');
  // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is
  // already counted in user/nice, so the total stops at steal.
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  return {
    total: user + nice + system + idle + iowait + irq + softirq + steal,
    idle: idle + iowait,
    steal,
  };
}

/** Shares (0–1) of all CPUs' time between two /proc/stat readings. */
export function cpuShares(before: CpuTimes, after: CpuTimes): { busy: number; steal: number } {
  const total = after.total - before.total;
  if (total <= 0) return { busy: 0, steal: 0 };
  return {
    busy: (total - (after.idle - before.idle)) / total,
    steal: (after.steal - before.steal) / total,
  };
}

/**
 * The inode of the socket listening on 127.0.0.1/0.0.0.0 (or ::) `port`, from the text of
 * /proc/net/tcp or /proc/net/tcp6 (state 0A = LISTEN); null when none.
 */
export function parseListeningInode(text: string, port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const local = fields[1];
    if (local === undefined || fields[3] !== '0A') continue;
    if (local.slice(local.lastIndexOf(':') + 1).toUpperCase() !== hexPort) continue;
    const inode = Number(fields[9]);
    if (Number.isFinite(inode) && inode > 0) return inode;
  }
  return null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** A process and every process below it (children of every thread, recursively). */
export async function processTree(pid: number): Promise<number[]> {
  const seen = new Set<number>();
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    let tasks: string[] = [];
    try {
      tasks = await readdir(`/proc/${next}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const children = await readText(`/proc/${next}/task/${tid}/children`);
      if (children !== null) queue.push(...parseChildren(children));
    }
  }
  return [...seen];
}

/**
 * utime + stime, in milliseconds, of `pid` and everything below it, read now (a process's stat
 * sums all its threads), plus the time of the children each of them has reaped (cutime + cstime).
 * Without the reaped part a process that exits between two readings takes its time with it:
 * one quick run metered PostgreSQL at −50 µs per request when an idle pool connection closed and
 * its backend exited mid-window. With it, that time moves to the parent that waited for it
 * and the difference stays whole (time reaped before the first reading cancels out).
 */
export async function treeCpuMs(pid: number): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  const pids = await processTree(pid);
  let ticks = 0;
  let found = false;
  for (const member of pids) {
    const stat = await readText(`/proc/${member}/stat`);
    if (stat === null) continue;
    ticks += parseStatTicks(stat, { withReapedChildren: true });
    found = true;
  }
  return found ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
}

export async function readCpuTimes(): Promise<CpuTimes | null> {
  const text = await readText('/proc/stat');
  return text === null ? null : parseProcStat(text);
}

/** The pid of the process listening on a loopback TCP port (a server this user can see), or null. */
export async function pidListeningOn(port: number): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  let inode: number | null = null;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readText(table);
    if (text !== null) inode = parseListeningInode(text, port);
    if (inode !== null) break;
  }
  if (inode === null) return null;
  const target = `socket:[${inode}]`;
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  // The lowest pid holding the socket is the parent (postmaster; redis-server has one process).
  for (const pid of pids.sort((a, b) => a - b)) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if ((await readlink(`/proc/${pid}/fd/${fd}`)) === target) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

/** How busy the machine is: load average and, over a short sample, busy and steal shares. */
export interface MachineLoad {
  readonly loadAverage1: number;
  /** Share of all CPUs' time not idle over the sample (0–1), or null off Linux. */
  readonly busyShare: number | null;
  /** Share of all CPUs' time stolen by the hypervisor over the sample (0–1), or null off Linux. */
  readonly stealShare: number | null;
}

export async function sampleMachineLoad(sampleMs = 1_000): Promise<MachineLoad> {
  const before = await readCpuTimes();
  await new Promise((resolveDelay) => setTimeout(resolveDelay, sampleMs));
  const after = await readCpuTimes();
  const shares = before === null || after === null ? null : cpuShares(before, after);
  return {
    loadAverage1: loadavg()[0] ?? 0,
    busyShare: shares?.busy ?? null,
    stealShare: shares?.steal ?? null,
  };
}

/**
 * Why a run is "busy" (its numbers are not to be quoted), or null when quiet: a 1-minute load
 * average of half the cores or more, more than 25 % of the CPUs busy before the run started,
 * or 2 % or more stolen by the hypervisor.
 */
export function busyReason(load: MachineLoad, cores: number): string | null {
  const reasons: string[] = [];
  if (load.loadAverage1 >= cores * 0.5)
    reasons.push(`1-min load average ${load.loadAverage1.toFixed(2)} on ${cores} cores`);
  if (load.busyShare !== null && load.busyShare > 0.25)
    reasons.push(`${Math.round(load.busyShare * 100)}% of the CPUs busy before the run`);
  if (load.stealShare !== null && load.stealShare >= 0.02)
    reasons.push(`${(load.stealShare * 100).toFixed(1)}% steal`);
  return reasons.length === 0 ? null : reasons.join('; ');
}

/**
 * Waits (up to `maxMs`) until the machine looks quiet by `busyReason`, sampling every few
 * seconds, and returns the last sample. The 1-minute load average lags: the build that
 * `npm run bench` runs just before, or any job that ended a minute ago, still shows in it, so a
 * full run gives it time to decay rather than starting flagged — and it says it is waiting.
 */
export async function settleMachine(
  cores: number,
  maxMs: number,
  onWait: (reason: string, waitedMs: number) => void,
): Promise<MachineLoad> {
  const started = Date.now();
  for (;;) {
    const sample = await sampleMachineLoad(1_000);
    const reason = busyReason(sample, cores);
    const waited = Date.now() - started;
    if (reason === null || waited >= maxMs) return sample;
    onWait(reason, waited);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 4_000));
  }
}
