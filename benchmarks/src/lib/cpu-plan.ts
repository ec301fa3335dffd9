import { availableParallelism } from 'node:os';
import { findProgram } from '@authbench/test-support';

/**
 * Which CPUs the servers and the load generator get. The load generator (autocannon, and the
 * latency proxy, which plays the network) gets the last core; servers get the others, so the
 * two never compete for one core. On one core nothing is pinned. Redis and PostgreSQL (started
 * by scripts/services.sh) are not pinned: the kernel schedules them where there is room.
 */
export interface CpuPlan {
  readonly cores: number;
  readonly taskset: string | null;
  readonly serverCpus: readonly number[] | null;
  readonly loadCpus: readonly number[] | null;
  readonly description: string;
}

export function planCpus(): CpuPlan {
  const cores = availableParallelism();
  const taskset = findProgram('taskset');
  if (taskset === null || cores < 2) {
    return {
      cores,
      taskset: null,
      serverCpus: null,
      loadCpus: null,
      description:
        taskset === null
          ? 'not pinned: taskset is not installed (apt-get install util-linux)'
          : 'not pinned: one core, the load generator and the server share it',
    };
  }
  const last = cores - 1;
  const serverCpus = Array.from({ length: last }, (_, index) => index);
  return {
    cores,
    taskset,
    serverCpus,
    loadCpus: [last],
    description: `servers (API processes and their workers, gunicorn) on CPU ${serverCpus.join(',')}; load generator and latency proxy on CPU ${last}; Redis and PostgreSQL not pinned`,
  };
}
