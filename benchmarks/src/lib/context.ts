import type { ApiPool } from './api-process.js';
import type { CpuPlan } from './cpu-plan.js';
import type { Fixtures } from './fixtures.js';
import type { LoadGenerator } from './loadgen.js';
import type { CliOptions, ModeSizes } from './options.js';
import type { ProcessRegistry } from './processes.js';
import type { Progress } from './progress.js';
import type { PythonInfo } from './python.js';
import type { CaseInput, FamilyId, Missing, ProfileSummary, TargetSpec } from './results.js';
import type { Services } from './services.js';
import type { StoreProxies } from './store-proxies.js';

/** Everything a family may use; one per run. */
export interface RunContext {
  readonly options: CliOptions;
  readonly sizes: ModeSizes;
  readonly registry: ProcessRegistry;
  readonly services: Services;
  readonly cpu: CpuPlan;
  readonly apis: ApiPool;
  readonly proxies: StoreProxies;
  readonly loadgen: LoadGenerator;
  readonly fixtures: Fixtures;
  readonly python: PythonInfo;
  readonly progress: Progress;
  /** A scratch directory, removed at the end. */
  readonly tmpDir: string;
}

/** Says where the time goes when a target is missed: returns the profile summary. */
export type Profiler = (meta: { readonly id: string; readonly targetId: string }) => Promise<ProfileSummary>;

/** What a family records into, while it runs. */
export interface FamilyScope {
  add(input: Omit<CaseInput, 'family'>): void;
  note(text: string): void;
  /** Part of the family could not run because a program is missing (the rest did). */
  skipPart(missing: Missing, what: string): void;
  target(spec: Omit<TargetSpec, 'family'>, profiler?: Profiler): void;
  /** Progress within the family: `done` of `total` steps finished, `label` running now. */
  step(label: string, done: number, total: number): void;
  /** Read-only: the cases earlier families of this run recorded (a model built on their figures reads them here). */
  earlier(): readonly CaseInput[];
}

export interface Family {
  readonly id: FamilyId;
  readonly title: string;
  /** The question the family answers, for the report. */
  readonly description: string;
  /** Programs without which the whole family cannot run. */
  missing(ctx: RunContext): Missing[];
  /** API configurations the family will use: started together, before the first family that needs one. */
  apiConfigs?(ctx: RunContext): string[];
  /** Seconds the family takes on a quiet machine, for the ETA. */
  estimateSeconds(ctx: RunContext): number;
  run(ctx: RunContext, scope: FamilyScope): Promise<void>;
}
