import { spawnSync } from 'node:child_process';
import { median } from './stats.js';

/**
 * Two fixed costs of the kernel (and the hypervisor under it), probed at the start and the end
 * of a run. Every HTTP request in every server, the peers' included, pays tens of system calls
 * (epoll, reads, writes) and now and then a page fault; on a VM these can cost several times what
 * they cost on bare metal, and the cost moves between days. A constant added to both sides of a
 * ratio pulls it towards 1, so a report whose machine had slow system calls flatters the more
 * expensive side: the reader needs these two figures to compare runs.
 */
export interface KernelCosts {
  /** One `getppid` system call made from JavaScript (`process.ppid`), binding included (ns). */
  readonly syscallNs: number;
  /**
   * The first write to a fresh anonymous page: the fault, the zeroing, the mapping (µs); `null`
   * when the probe got no fresh pages to fault.
   */
  readonly pageFaultUs: number | null;
}

const SYSCALLS_PER_SAMPLE = 100_000;
/** Large enough that the allocation is a fresh mmap, not memory the allocator already holds. */
const FAULT_BYTES = 16 * 2 ** 20;
const PAGE_BYTES = 4096;
const SAMPLES = 5;

function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

function syscallSample(): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  // process.ppid is not cached by Node: each read is a uv_os_getppid, hence one getppid(2).
  for (let index = 0; index < SYSCALLS_PER_SAMPLE; index += 1) sink += process.ppid;
  const ns = elapsedNs(start) / SYSCALLS_PER_SAMPLE;
  return sink === 0 ? Number.NaN : ns;
}

/**
 * µs per minor fault while writing one byte per page of a new 16 MiB array, or `null` when
 * fewer than half its pages faulted: after a large free, glibc raises its mmap threshold and
 * may hand back heap memory that is already mapped (a long run's end did so: 0.03 µs "per
 * page"), so the faults are counted, not assumed.
 */
function pageFaultSample(): number | null {
  const pages = new Uint8Array(FAULT_BYTES);
  const faultsBefore = process.resourceUsage().minorPageFault;
  const start = process.hrtime.bigint();
  for (let offset = 0; offset < FAULT_BYTES; offset += PAGE_BYTES) pages[offset] = 1;
  const ns = elapsedNs(start);
  const faults = process.resourceUsage().minorPageFault - faultsBefore;
  // Read back one byte so the writes cannot be optimised away.
  if (pages[0] !== 1 || faults < FAULT_BYTES / PAGE_BYTES / 2) return null;
  return ns / 1000 / faults;
}

/**
 * Medians of five samples each (page faults: of those that faulted; `null` when none did, in
 * ten tries); about a quarter of a second in all.
 */
export function probeKernelCosts(): KernelCosts {
  const syscalls: number[] = [];
  const faults: number[] = [];
  syscallSample(); // warm-up: the loop compiled before it is timed
  for (let sample = 0; sample < SAMPLES; sample += 1) syscalls.push(syscallSample());
  for (let attempt = 0; attempt < 2 * SAMPLES && faults.length < SAMPLES; attempt += 1) {
    const sample = pageFaultSample();
    if (sample !== null) faults.push(sample);
  }
  return {
    syscallNs: Math.round(median(syscalls)),
    pageFaultUs: faults.length === 0 ? null : Math.round(median(faults) * 100) / 100,
  };
}

/**
 * {@link probeKernelCosts} in a fresh Node process: a long run's own process has freed large
 * buffers, after which glibc keeps memory mapped and the page-fault probe finds few fresh pages.
 * Falls back to this process when the child fails or answers something else.
 */
export function probeKernelCostsInChild(): KernelCosts {
  // This module when it is compiled (dist/, the harness test's .test-dist/); from the sources
  // (a unit test) the package's build in dist/, which sits at the same depth.
  const compiled = import.meta.url.endsWith('.js')
    ? import.meta.url
    : new URL('../../dist/lib/kernel-costs.js', import.meta.url).href;
  const script = `import { probeKernelCosts } from ${JSON.stringify(compiled)};
process.stdout.write(JSON.stringify(probeKernelCosts()));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return (child.status === 0 ? parsedCosts(child.stdout) : null) ?? probeKernelCosts();
}

/** The child's answer, or `null` when it is not one: a run's last step must not throw on it. */
export function parsedCosts(text: string): KernelCosts | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { syscallNs, pageFaultUs } = parsed as Record<string, unknown>;
  if (typeof syscallNs !== 'number' || !(typeof pageFaultUs === 'number' || pageFaultUs === null))
    return null;
  return { syscallNs, pageFaultUs };
}
