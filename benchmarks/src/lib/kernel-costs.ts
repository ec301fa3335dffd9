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
  /** The first write to a fresh anonymous page: the fault, the zeroing, the mapping (µs). */
  readonly pageFaultUs: number;
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

function pageFaultSample(): number {
  const pages = new Uint8Array(FAULT_BYTES);
  const start = process.hrtime.bigint();
  for (let offset = 0; offset < FAULT_BYTES; offset += PAGE_BYTES) pages[offset] = 1;
  const us = elapsedNs(start) / 1000 / (FAULT_BYTES / PAGE_BYTES);
  // Read back one byte so the writes cannot be optimised away.
  return pages[0] === 1 ? us : Number.NaN;
}

/** Medians of five samples each; about a quarter of a second in all. */
export function probeKernelCosts(): KernelCosts {
  const syscalls: number[] = [];
  const faults: number[] = [];
  syscallSample(); // warm-up: the loop compiled before it is timed
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    syscalls.push(syscallSample());
    faults.push(pageFaultSample());
  }
  return {
    syscallNs: Math.round(median(syscalls)),
    pageFaultUs: Math.round(median(faults) * 100) / 100,
  };
}
