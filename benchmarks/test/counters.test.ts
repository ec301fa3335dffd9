import { describe, expect, it } from '@jest/globals';
import { PgStatementCounter, RespCommandCounter } from '../src/lib/latency-proxy.js';
import { quantile } from '../src/lib/stats.js';

/** Feeds `bytes` split at every possible boundary set of two cuts: counting must not depend on chunking. */
function everySplit(bytes: Buffer, count: (chunks: Buffer[]) => number): number[] {
  const results: number[] = [];
  for (let first = 0; first <= bytes.length; first += 1) {
    for (let second = first; second <= bytes.length; second += 7) {
      results.push(count([bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)]));
    }
  }
  return results;
}

function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

describe('RespCommandCounter (look-ups counted on the wire)', () => {
  it('counts commands, whatever the chunking, including values that look like RESP', () => {
    const stream = Buffer.from(
      [resp('GET', 'a'), resp('SET', 'k', '*3\r\n$1\r\nx'), resp('MGET', 'x', 'y', 'z'), 'PING\r\n'].join(''),
    );
    const counts = everySplit(stream, (chunks) => {
      const counter = new RespCommandCounter();
      for (const chunk of chunks) counter.feed(chunk);
      return counter.count;
    });
    expect(new Set(counts)).toEqual(new Set([4]));
  });
});

function pgMessage(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

describe('PgStatementCounter', () => {
  it('skips the start-up packet and counts Query and Execute messages only', () => {
    const startup = Buffer.alloc(16);
    startup.writeInt32BE(16, 0);
    startup.writeInt32BE(196_608, 4); // protocol 3.0
    const stream = Buffer.concat([
      startup,
      pgMessage('Q', Buffer.from('SELECT 1\0')),
      pgMessage('P', Buffer.from('\0SELECT $1\0\0\0')),
      pgMessage('B', Buffer.alloc(12)),
      pgMessage('D', Buffer.from('P\0')),
      pgMessage('E', Buffer.from('\0\0\0\0\0')),
      pgMessage('S', Buffer.alloc(0)),
    ]);
    const counts = everySplit(stream, (chunks) => {
      const counter = new PgStatementCounter();
      for (const chunk of chunks) counter.feed(chunk);
      return counter.count;
    });
    expect(new Set(counts)).toEqual(new Set([2]));
  });
});

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.9)).toBe(5);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
