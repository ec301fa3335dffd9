import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { waitUntilGone } from '../src/lib/api-process.js';
import { profilePid, servingProfiles } from '../src/lib/http-profile.js';

const file = (pid: number) => `CPU.20261206.104512.${pid}.0.001.cpuprofile`;

describe('which processes of a profiled API are summarised', () => {
  it('reads the pid from a V8 profile file name, and nothing from other files', () => {
    expect(profilePid(file(4242))).toBe(4242);
    expect(profilePid('CPU.20261206.104512.4242.0.001.cpuprofile.tmp')).toBeNull();
    expect(profilePid('notes.txt')).toBeNull();
  });

  it('takes the workers of a cluster and leaves the primary out', () => {
    const choice = servingProfiles([file(100), file(101), file(102), 'x.log'], 100, [101, 102]);
    expect(choice.files.sort()).toEqual([file(101), file(102)]);
    expect(choice.processes).toMatch(/^2 of its 2 workers \(the cluster primary.*left out\)$/);
  });

  it('says when only some workers wrote a profile', () => {
    const choice = servingProfiles([file(100), file(102)], 100, [101, 102]);
    expect(choice.files).toEqual([file(102)]);
    expect(choice.processes).toMatch(/^1 of its 2 workers/);
  });

  it('fails rather than summarising the idle primary when no worker wrote a profile', () => {
    expect(() => servingProfiles([file(100)], 100, [101, 102])).toThrow(/no worker .*101, 102/);
  });

  it('takes the one process of a one-worker API, and fails without its profile', () => {
    expect(servingProfiles([file(100), file(999)], 100, [])).toEqual({
      files: [file(100)],
      processes: 'its one process',
    });
    expect(() => servingProfiles([file(999)], 100, [])).toThrow(/pid 100/);
  });
});

describe('waiting for processes to be gone', () => {
  it('returns true once they exit and false when one outlives the wait', async () => {
    const short = spawn('sleep', ['0.2']);
    const long = spawn('sleep', ['30']);
    try {
      const shortPid = short.pid as number;
      const longPid = long.pid as number;
      expect(await waitUntilGone([shortPid], 5_000)).toBe(true);
      const started = Date.now();
      expect(await waitUntilGone([shortPid, longPid], 300)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      long.kill('SIGKILL');
    }
  });
});
