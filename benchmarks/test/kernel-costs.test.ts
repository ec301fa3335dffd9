import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { parsedCosts, probeKernelCosts, probeKernelCostsInChild } from '../src/lib/kernel-costs.js';

/** The garbage collector, reachable from a test without starting Node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('probeKernelCosts', () => {
  it('faults fresh pages in: its minor page faults cover most of the five 16 MiB samples', () => {
    const before = process.resourceUsage().minorPageFault;
    const costs = probeKernelCosts();
    const faults = process.resourceUsage().minorPageFault - before;
    // 5 × 4 096 pages; memory the allocator already held would not fault at all.
    expect(faults).toBeGreaterThan(5 * 4096 * 0.9);
    expect(costs.pageFaultUs).toBeGreaterThan(0);
  });

  it('divides by the faults it saw, not the pages it wrote, once glibc hands back mapped memory', () => {
    // Large arrays freed: glibc raises its mmap threshold and keeps the memory, so a new 16 MiB
    // array may come back already mapped (as at the end of a long run), and touching it is free.
    for (let churn = 0; churn < 3; churn += 1) {
      let arrays: Uint8Array[] | null = Array.from({ length: 4 }, () => new Uint8Array(16 * 2 ** 20).fill(1));
      expect(arrays.length).toBe(4);
      arrays = null;
      collectGarbage();
    }
    const { pageFaultUs } = probeKernelCosts();
    // No page fault costs under 0.1 µs: zeroing 4 KiB alone takes about that. `null` (no
    // fresh pages found) is the honest answer; a figure from pages that never faulted is not.
    expect(pageFaultUs === null || pageFaultUs > 0.1).toBe(true);
  });

  it('times a system call as a positive number of nanoseconds', () => {
    const { syscallNs } = probeKernelCosts();
    expect(Number.isInteger(syscallNs)).toBe(true);
    expect(syscallNs).toBeGreaterThan(0);
  });
});

describe('probeKernelCostsInChild', () => {
  it('measures in a fresh process, whose page faults are real whatever this process freed', () => {
    const { syscallNs, pageFaultUs } = probeKernelCostsInChild();
    expect(syscallNs).toBeGreaterThan(0);
    expect(pageFaultUs).toBeGreaterThan(0.1);
  });
});

describe('parsedCosts', () => {
  it('takes the child’s answer, null page fault included, and nothing else', () => {
    expect(parsedCosts('{"syscallNs":1467,"pageFaultUs":11.75}')).toEqual({
      syscallNs: 1467,
      pageFaultUs: 11.75,
    });
    expect(parsedCosts('{"syscallNs":1467,"pageFaultUs":null}')).toEqual({
      syscallNs: 1467,
      pageFaultUs: null,
    });
    for (const text of ['', 'warning: something\n{}', 'null', '{"syscallNs":"1"}', '{"syscallNs":1}'])
      expect(parsedCosts(text)).toBeNull();
  });
});
