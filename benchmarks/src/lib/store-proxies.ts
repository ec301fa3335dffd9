import { fileURLToPath } from 'node:url';
import type { CpuPlan } from './cpu-plan.js';
import { IpcClient } from './ipc.js';
import type { ProxyCounters, ProxyProtocol } from './latency-proxy.js';
import type { ManagedProcess, ProcessRegistry } from './processes.js';
import type { Services } from './services.js';

const CHILD = fileURLToPath(new URL('./latency-proxy-child.js', import.meta.url));

export type ProxiedStore = 'redis' | 'postgres';

/**
 * The Redis and PostgreSQL of scripts/services.sh behind latency/counting proxies, for the
 * API configuration `proxied-1w`: its store traffic crosses them, so the added RTT can be set
 * and the look-ups per request counted on the wire.
 */
export class StoreProxies {
  private started: Promise<{
    client: IpcClient;
    process: ManagedProcess;
    urls: Record<ProxiedStore, string>;
  }> | null = null;

  constructor(
    private readonly registry: ProcessRegistry,
    private readonly cpu: CpuPlan,
    private readonly services: Services,
  ) {}

  async urls(): Promise<Readonly<Record<ProxiedStore, string>>> {
    return (await this.start()).urls;
  }

  async setRtt(store: ProxiedStore, ms: number): Promise<void> {
    await (await this.start()).client.call({ type: 'rtt', name: store, ms });
  }

  async reset(store: ProxiedStore): Promise<void> {
    await (await this.start()).client.call({ type: 'reset', name: store });
  }

  async read(store: ProxiedStore): Promise<ProxyCounters> {
    return (await this.start()).client.call<ProxyCounters>({ type: 'read', name: store });
  }

  private start() {
    this.started ??= (async () => {
      const redisUrl = new URL(await this.services.url('redis'));
      const databaseUrl = new URL(await this.services.url('postgres'));
      const managed = this.registry.spawn({
        name: 'latency proxies',
        command: process.execPath,
        args: [CHILD],
        cpus: this.cpu.loadCpus,
        ipc: true,
        env: { PATH: process.env.PATH ?? '' },
      });
      const client = new IpcClient(managed.child, 'latency proxies');
      const startOne = async (name: ProxiedStore, url: URL, protocol: ProxyProtocol): Promise<number> => {
        const { port } = await client.call<{ port: number }>({
          type: 'start',
          name,
          protocol,
          host: url.hostname,
          port: Number(url.port),
        });
        return port;
      };
      const redisPort = await startOne('redis', redisUrl, 'redis');
      const pgPort = await startOne('postgres', databaseUrl, 'postgres');
      const proxiedDatabase = new URL(databaseUrl.href);
      proxiedDatabase.port = String(pgPort);
      return {
        client,
        process: managed,
        urls: { redis: `redis://127.0.0.1:${redisPort}`, postgres: proxiedDatabase.href },
      };
    })();
    this.started.catch(() => {
      this.started = null;
    });
    return this.started;
  }
}
