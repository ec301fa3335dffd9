import { describe, expect, it } from '@jest/globals';
import { probeKernelCosts } from '../src/lib/kernel-costs.js';

describe('probeKernelCosts', () => {
  it('faults fresh pages in: its minor page faults cover most of the five 16 MiB samples', () => {
    const before = process.resourceUsage().minorPageFault;
    const costs = probeKernelCosts();
    const faults = process.resourceUsage().minorPageFault - before;
    // 5 × 4 096 pages; memory the allocator already held would not fault at all.
    expect(faults).toBeGreaterThan(5 * 4096 * 0.9);
    expect(Number.isFinite(costs.pageFaultUs)).toBe(true);
    expect(costs.pageFaultUs).toBeGreaterThan(0);
  });

  it('times a system call as a positive number of nanoseconds', () => {
    const { syscallNs } = probeKernelCosts();
    expect(Number.isInteger(syscallNs)).toBe(true);
    expect(syscallNs).toBeGreaterThan(0);
  });
});
