import { fileURLToPath } from 'node:url';
import type { CpuPlan } from './cpu-plan.js';
import { IpcClient } from './ipc.js';
import { OUTCOMES, type Outcome, type Sample } from './open-loop.js';
import type { OpenLoopReply, OpenLoopRequest } from './open-loop-child.js';
import type { ManagedProcess, ProcessRegistry } from './processes.js';

const CHILD = fileURLToPath(new URL('./open-loop-child.js', import.meta.url));

/** The open-loop generator's child process (pinned to the load CPU), started on first use. */
export class OpenLoopGenerator {
  private managed: ManagedProcess | null = null;
  private client: IpcClient | null = null;

  constructor(
    private readonly registry: ProcessRegistry,
    private readonly cpu: CpuPlan,
  ) {}

  async run(request: OpenLoopRequest): Promise<{ samples: Sample[]; loadgenCpuMs: number }> {
    const reply = await this.start().call<OpenLoopReply>({ type: 'run', run: request });
    const samples = reply.scheduledMs.map(
      (scheduledMs, index): Sample => ({
        scheduledMs,
        sentMs: reply.sentMs[index] ?? scheduledMs,
        latencyMs: reply.latencyMs[index] ?? 0,
        outcome: (OUTCOMES[reply.outcome[index] ?? 2] ?? 'error') as Outcome,
      }),
    );
    return { samples, loadgenCpuMs: reply.loadgenCpuMs };
  }

  async stop(): Promise<void> {
    const managed = this.managed;
    this.managed = null;
    this.client = null;
    await managed?.stop();
  }

  private start(): IpcClient {
    if (this.client === null || this.managed === null || this.managed.exited) {
      const managed = this.registry.spawn({
        name: 'open-loop load generator (node:http)',
        command: process.execPath,
        args: [CHILD],
        cpus: this.cpu.loadCpus,
        ipc: true,
        env: { PATH: process.env.PATH ?? '' },
      });
      this.managed = managed;
      this.client = new IpcClient(managed.child, 'open-loop load generator');
    }
    return this.client;
  }
}
