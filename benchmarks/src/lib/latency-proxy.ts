import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy that adds a round-trip time and counts the requests that cross it: Redis
 * commands (RESP arrays) or PostgreSQL statements (Query and Execute messages). It plays the
 * network between the API and its store, the variable that decides which strategy wins.
 *
 * The whole added RTT is applied to the replies (store → API): for a request/reply protocol
 * that is the same as half each way, with one queue instead of two. Delays under a
 * millisecond cannot be had from timers (1 ms resolution), so the last stretch before a chunk
 * is due is a setImmediate loop: precise, and it costs CPU, which is why the proxy runs in its
 * own process on the load generator's core.
 */
export type ProxyProtocol = 'redis' | 'postgres';

export interface ProxyCounters {
  readonly connections: number;
  /** Redis commands, or PostgreSQL Query + Execute messages, sent by clients. */
  readonly requests: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  /** Median hold time actually applied to delayed chunks, in microseconds (0 when none). */
  readonly heldMedianUs: number;
}

/** Counts top-level commands in a client → Redis byte stream. */
export class RespCommandCounter {
  count = 0;
  private pending: Buffer = Buffer.alloc(0);
  private elementsLeft = 0;
  private skip = 0;

  feed(chunk: Buffer): void {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let index = 0;
    while (index < buffer.length) {
      if (this.skip > 0) {
        const step = Math.min(this.skip, buffer.length - index);
        index += step;
        this.skip -= step;
        continue;
      }
      const end = buffer.indexOf('\r\n', index, 'latin1');
      if (end === -1) break;
      const type = buffer[index];
      const number = Number.parseInt(buffer.toString('latin1', index + 1, end), 10);
      index = end + 2;
      if (this.elementsLeft === 0) {
        // `*<n>` starts a command; anything else is an inline command on one line.
        this.count += 1;
        if (type === 0x2a && number > 0) this.elementsLeft = number;
      } else {
        if (type === 0x24 && number >= 0) this.skip = number + 2;
        this.elementsLeft -= 1;
      }
    }
    this.pending = Buffer.from(buffer.subarray(index));
  }
}

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;

/** Counts Query ('Q') and Execute ('E') messages in a client → PostgreSQL byte stream. */
export class PgStatementCounter {
  count = 0;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;

  feed(chunk: Buffer): void {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let index = 0;
    for (;;) {
      if (!this.started) {
        // Untyped start-up packets: length, then a code (SSLRequest asks again afterwards).
        if (buffer.length - index < 8) break;
        const length = buffer.readInt32BE(index);
        if (buffer.length - index < length) break;
        const code = buffer.readInt32BE(index + 4);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.started = true;
        index += length;
        continue;
      }
      if (buffer.length - index < 5) break;
      const type = buffer[index];
      const length = buffer.readInt32BE(index + 1);
      if (buffer.length - index < 1 + length) break;
      if (type === 0x51 || type === 0x45) this.count += 1;
      index += 1 + length;
    }
    this.pending = Buffer.from(buffer.subarray(index));
  }
}

interface Held {
  readonly due: bigint;
  readonly at: bigint;
  readonly chunk: Buffer;
}

/** Writes chunks to `target` in order, each no earlier than its due time. */
class DelayQueue {
  private readonly queue: Held[] = [];
  private scheduled = false;

  constructor(
    private readonly target: Socket,
    private readonly record: (heldNs: number) => void,
  ) {}

  push(chunk: Buffer, delayNs: bigint): void {
    const now = process.hrtime.bigint();
    this.queue.push({ due: now + delayNs, at: now, chunk });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    const head = this.queue[0];
    if (head === undefined) return;
    this.scheduled = true;
    const waitNs = head.due - process.hrtime.bigint();
    if (waitNs > 1_500_000n) {
      setTimeout(() => this.pump(), Number(waitNs / 1_000_000n) - 1);
    } else {
      setImmediate(() => this.pump());
    }
  }

  private pump(): void {
    this.scheduled = false;
    const now = process.hrtime.bigint();
    while (this.queue.length > 0) {
      const head = this.queue[0] as Held;
      if (head.due > now) break;
      this.queue.shift();
      this.record(Number(now - head.at));
      if (!this.target.destroyed) this.target.write(head.chunk);
    }
    this.schedule();
  }
}

export class LatencyProxy {
  private server: Server | null = null;
  private rttNs = 0n;
  private connections = 0;
  private bytesUp = 0;
  private bytesDown = 0;
  private held: number[] = [];
  private readonly counters = new Set<{ count: number }>();
  private baseCount = 0;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly upstream: { readonly host: string; readonly port: number },
    private readonly protocol: ProxyProtocol,
  ) {}

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((client) => this.accept(client));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        this.server = server;
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  }

  setRtt(ms: number): void {
    this.rttNs = BigInt(Math.round(ms * 1e6));
    this.held = [];
  }

  resetCounters(): void {
    this.baseCount = this.totalCount();
    this.bytesUp = 0;
    this.bytesDown = 0;
    this.held = [];
  }

  read(): ProxyCounters {
    const held = [...this.held].sort((a, b) => a - b);
    return {
      connections: this.connections,
      requests: this.totalCount() - this.baseCount,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      heldMedianUs: held.length === 0 ? 0 : (held[Math.floor(held.length / 2)] ?? 0) / 1000,
    };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server === null ? resolve() : this.server.close(() => resolve()),
    );
  }

  private totalCount(): number {
    let total = 0;
    for (const counter of this.counters) total += counter.count;
    return total;
  }

  private accept(client: Socket): void {
    this.connections += 1;
    const upstream = new Socket();
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const counter = this.protocol === 'redis' ? new RespCommandCounter() : new PgStatementCounter();
    this.counters.add(counter);
    const replies = new DelayQueue(client, (ns) => {
      if (this.held.length < 100_000) this.held.push(ns);
    });
    const pendingUp: Buffer[] = [];
    let connected = false;
    client.on('data', (chunk: Buffer) => {
      this.bytesUp += chunk.length;
      counter.feed(chunk);
      if (connected) upstream.write(chunk);
      else pendingUp.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.bytesDown += chunk.length;
      if (this.rttNs === 0n) client.write(chunk);
      else replies.push(chunk, this.rttNs);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
    upstream.connect(this.upstream.port, this.upstream.host, () => {
      connected = true;
      for (const chunk of pendingUp.splice(0)) upstream.write(chunk);
    });
  }
}
