import { Socket } from 'node:net';
import { median } from './stats.js';

/** Median round trip of a Redis PING on one connection, in milliseconds (a raw socket: no client overhead). */
export async function redisPingMs(url: string, count: number): Promise<number> {
  const { hostname, port } = new URL(url);
  const socket = new Socket();
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(Number(port), hostname, () => resolve());
  });
  const times: number[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const start = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        let reply = '';
        const onData = (chunk: Buffer) => {
          reply += chunk.toString('latin1');
          if (reply.endsWith('\r\n')) {
            socket.off('data', onData);
            if (reply.startsWith('+PONG')) resolve();
            else reject(new Error(`unexpected reply ${reply}`));
          }
        };
        socket.on('data', onData);
        socket.write('*1\r\n$4\r\nPING\r\n');
      });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    socket.destroy();
  }
  return median(times);
}
