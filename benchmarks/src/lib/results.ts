/**
 * The results model: what `latest.json` holds (its schema is documented in README.md, and
 * `validateResults` checks it — the harness test runs it on every quick run).
 */
import { medianInterval, verdict } from './interval.js';
import type { KernelCosts } from './kernel-costs.js';

export const SCHEMA_VERSION = 'authbench-benchmarks/1';

export const FAMILY_IDS = [
  'verify-cost',
  'itsdangerous',
  'jwt-libraries',
  'http-throughput',
  'store-distance',
  'server-state',
  'revocation-latency',
  'tutorial-peer',
  'open-loop',
  'scale-model',
  'revocation-scale',
  'refresh',
  'login-cost',
  'many-credentials',
] as const;
export type FamilyId = (typeof FAMILY_IDS)[number];

export type Better = 'lower' | 'higher';
export type ParamValue = string | number | boolean;

export interface CaseInput {
  /** Stable across runs: `<family>/<what>/…`, lower case. */
  readonly id: string;
  readonly family: FamilyId;
  readonly label: string;
  readonly description?: string;
  /** Unit of `value`: `µs`, `req/s`, `ms`, `bytes`, `bytes/login`, `look-ups/request`. */
  readonly unit: string;
  readonly better: Better;
  /** The headline number (a median, or req/s), the one `ratio` compares. */
  readonly value: number;
  /** Every number measured for the case (spread, percentiles, errors, counts…), in `unit` unless the key says. */
  readonly numbers: Readonly<Record<string, number>>;
  /** The case this one is compared with, measured in the same run; a baseline names itself. */
  readonly baselineId: string;
  /** What was measured: strategy, store, library, algorithm, workers… */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly notes?: readonly string[];
  /**
   * Measured in interleaved rounds (HTTP): one entry per round, in round order, with the
   * per-round figures (`reqPerSec`, `p50Ms`, `p99Ms`, `apiCpuUsPerRequest`) and `position`
   * (where in the round it ran, 0 = first). Cases of one group share the round index.
   */
  readonly rounds?: readonly Readonly<Record<string, number>>[];
}

export interface BenchCase extends CaseInput {
  /** value / baseline value. */
  readonly ratio: number;
  /**
   * How many times better than the baseline (`ratio`, or 1/`ratio` when lower is better);
   * null when unbounded (a lower-is-better value of 0, e.g. no state at all).
   */
  readonly relative: number | null;
}

export interface Missing {
  readonly what: string;
  readonly hint: string;
}

export interface FamilyResult {
  readonly title: string;
  readonly description: string;
  readonly status: 'ok' | 'partial' | 'skipped' | 'failed';
  /** Programs that were missing; the family (or part of it) was skipped because of them. */
  readonly missing: readonly Missing[];
  readonly notes: readonly string[];
  readonly error?: string;
  readonly durationMs: number;
  readonly caseCount: number;
}

export interface TargetSpec {
  readonly id: string;
  readonly family: FamilyId;
  readonly description: string;
  /** `caseId` must be at least `goal` times as good as `referenceId`. */
  readonly caseId: string;
  readonly referenceId: string;
  readonly goal: number;
  /**
   * `cost`: the goal is a ceiling on cost (CPU per request ≤ k× the reference's, stored as
   * `goal` = 1/k). The verdict is the same; the report shows it the way it is stated: the case's
   * cost as a multiple of the reference's, against "≤ k×".
   */
  readonly readAs?: 'cost';
}

export interface TargetResult extends TargetSpec {
  /**
   * With rounds: `met` only when the whole 95 % interval of the ratio is ≥ goal, `missed` only
   * when it is wholly below, else `inconclusive` (also when too few rounds reach 95 %).
   * Without rounds (one measurement): `met` / `missed` on the point estimate.
   */
  readonly status: 'met' | 'missed' | 'inconclusive' | 'not-measured';
  /**
   * How many times as good as the reference (higher is better), when both were measured: with
   * rounds, the median of the per-round ratios (each round pairs the case with its reference).
   */
  readonly measured: number | null;
  /** With rounds: the interval of `measured`, its coverage (0–1) and the number of rounds. */
  readonly measuredLow?: number;
  readonly measuredHigh?: number;
  readonly coverage?: number;
  readonly rounds?: number;
  /** Id of the profile that says where the time goes, for a missed target. */
  readonly profileId?: string;
  readonly note?: string;
}

export interface ProfileEntry {
  readonly name: string;
  readonly location: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly id: string;
  readonly targetId: string;
  readonly description: string;
  readonly totalMs: number;
  /** Share of the samples in which the process was idle (waiting for I/O). */
  readonly idlePercent: number;
  /** Top functions by self time (idle excluded; percent of busy time). */
  readonly topFunctions: readonly ProfileEntry[];
  /** Self time by package (node internals, each npm package, our packages, GC). */
  readonly byPackage: readonly { readonly name: string; readonly selfMs: number; readonly percent: number }[];
}

export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly v8: string;
  readonly loadAverageStart: string;
  readonly loadAverageEnd: string;
  /** Share (%) of all CPUs busy, and stolen by the hypervisor, over 1 s sampled at run start (Linux). */
  readonly cpuBusyPercentStart?: number;
  readonly stealPercentStart?: number;
  /** Steal (%) over the whole run, start to end (Linux). */
  readonly stealPercentRun?: number;
  /** True when the machine was busy at start (load, busy CPUs or steal): numbers not to be quoted. */
  readonly busy?: boolean;
  readonly busyReason?: string;
  /** The kernel's fixed costs (a system call, a page fault) probed at run start and end. */
  readonly kernelCostsStart?: KernelCosts;
  readonly kernelCostsEnd?: KernelCosts;
  readonly commit: string;
  readonly pinning: string;
  readonly services: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly programs: Readonly<Record<string, string>>;
}

export interface Results {
  readonly schema: typeof SCHEMA_VERSION;
  /** Random per run; every process the run started had it as AUTHBENCH_RUN_ID. */
  readonly runId: string;
  readonly mode: 'quick' | 'full';
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly commit: string;
  readonly command: string;
  readonly environment: Environment;
  readonly families: Readonly<Partial<Record<FamilyId, FamilyResult>>>;
  readonly cases: readonly BenchCase[];
  readonly targets: readonly TargetResult[];
  readonly profiles: readonly ProfileSummary[];
  /** Chart file names (SVG) written beside latest.json. */
  readonly charts: readonly string[];
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._\-/]*$/;

/** Computes ratios; throws when a case names a baseline that was not measured. */
export function finalizeCases(inputs: readonly CaseInput[]): BenchCase[] {
  const byId = new Map<string, CaseInput>();
  for (const input of inputs) {
    if (byId.has(input.id)) throw new Error(`duplicate case id ${input.id}`);
    if (!ID_PATTERN.test(input.id)) throw new Error(`case id ${input.id} is not lower-case path-like`);
    byId.set(input.id, input);
  }
  return inputs.map((input) => {
    const baseline = byId.get(input.baselineId);
    if (baseline === undefined)
      throw new Error(`case ${input.id}: baseline ${input.baselineId} was not measured`);
    if (baseline.unit !== input.unit) {
      throw new Error(`case ${input.id}: unit ${input.unit} differs from its baseline's (${baseline.unit})`);
    }
    const ratio = input.value / baseline.value;
    const relative = input.better === 'higher' ? ratio : 1 / ratio;
    return { ...input, ratio, relative: Number.isFinite(relative) ? relative : null };
  });
}

export function evaluateTarget(spec: TargetSpec, cases: readonly BenchCase[]): TargetResult {
  const subject = cases.find((entry) => entry.id === spec.caseId);
  const reference = cases.find((entry) => entry.id === spec.referenceId);
  if (subject === undefined || reference === undefined) {
    return {
      ...spec,
      status: 'not-measured',
      measured: null,
      note: 'a case it compares was not measured in this run',
    };
  }
  const paired = pairedRatios(subject, reference);
  if (paired !== null) {
    const interval = medianInterval(paired);
    if (interval.n > 0 && Number.isFinite(interval.median)) {
      return {
        ...spec,
        status: verdict(interval, spec.goal),
        measured: interval.median,
        measuredLow: interval.low,
        measuredHigh: interval.high,
        coverage: interval.coverage,
        rounds: interval.n,
      };
    }
  }
  const ratio = subject.value / reference.value;
  const measured = subject.better === 'higher' ? ratio : 1 / ratio;
  if (!Number.isFinite(measured)) {
    return { ...spec, status: 'not-measured', measured: null, note: 'the reference measured 0: no ratio' };
  }
  return { ...spec, status: measured >= spec.goal ? 'met' : 'missed', measured };
}

/**
 * "× as good" per round when both cases were measured in the same rounds (same count, the
 * headline — `value`, else `reqPerSec` — in each): round i of the subject against round i of the reference,
 * minutes apart at most, so machine drift cancels. Null when they were not.
 */
function pairedRatios(subject: BenchCase, reference: BenchCase): number[] | null {
  const a = subject.rounds;
  const b = reference.rounds;
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) return null;
  const ratios: number[] = [];
  for (const [index, entry] of a.entries()) {
    // A round's headline: `value` when the case's unit is not req/s (e.g. CPU µs/request).
    const mine = entry.value ?? entry.reqPerSec;
    const theirs = b[index]?.value ?? b[index]?.reqPerSec;
    if (mine === undefined || theirs === undefined) return null;
    const ratio = mine / theirs;
    ratios.push(subject.better === 'higher' ? ratio : 1 / ratio);
  }
  return ratios.every(Number.isFinite) ? ratios : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed latest.json against the documented schema. Returns the problems found
 * (empty when valid).
 */
export function validateResults(value: unknown): string[] {
  const problems: string[] = [];
  const need = (condition: boolean, message: string): void => {
    if (!condition) problems.push(message);
  };
  if (!isRecord(value)) return ['the document is not a JSON object'];
  need(value.schema === SCHEMA_VERSION, `schema must be ${SCHEMA_VERSION}`);
  need(typeof value.runId === 'string' && value.runId.length > 0, 'runId must be text');
  need(value.mode === 'quick' || value.mode === 'full', 'mode must be quick or full');
  need(
    typeof value.generatedAt === 'string' && !Number.isNaN(Date.parse(value.generatedAt)),
    'generatedAt must be a date',
  );
  need(typeof value.durationMs === 'number' && value.durationMs > 0, 'durationMs must be positive');
  const environment = value.environment;
  if (!isRecord(environment)) problems.push('environment must be an object');
  else {
    for (const key of ['date', 'cpu', 'os', 'node', 'v8', 'commit', 'pinning']) {
      need(
        typeof environment[key] === 'string' && (environment[key] as string).length > 0,
        `environment.${key} must be text`,
      );
    }
    need(
      typeof environment.cores === 'number' && environment.cores >= 1,
      'environment.cores must be a number ≥ 1',
    );
    need(isRecord(environment.packages), 'environment.packages must be an object');
    need(isRecord(environment.programs), 'environment.programs must be an object');
  }
  const families = value.families;
  if (!isRecord(families)) problems.push('families must be an object keyed by family id');
  else {
    for (const [id, family] of Object.entries(families)) {
      need((FAMILY_IDS as readonly string[]).includes(id), `families.${id} is not a known family`);
      if (!isRecord(family)) {
        problems.push(`families.${id} must be an object`);
        continue;
      }
      need(
        ['ok', 'partial', 'skipped', 'failed'].includes(String(family.status)),
        `families.${id}.status is invalid`,
      );
      need(Array.isArray(family.missing), `families.${id}.missing must be a list`);
      need(typeof family.title === 'string', `families.${id}.title must be text`);
    }
  }
  const cases = value.cases;
  if (!Array.isArray(cases)) return [...problems, 'cases must be a list'];
  const ids = new Set<string>();
  for (const entry of cases) {
    if (!isRecord(entry)) {
      problems.push('a case is not an object');
      continue;
    }
    const id = String(entry.id);
    need(typeof entry.id === 'string' && ID_PATTERN.test(id), `case ${id}: id must be lower-case path-like`);
    need(!ids.has(id), `case ${id}: duplicate id`);
    ids.add(id);
    need((FAMILY_IDS as readonly string[]).includes(String(entry.family)), `case ${id}: unknown family`);
    need(id.startsWith(`${String(entry.family)}/`), `case ${id}: id must start with its family`);
    need(typeof entry.label === 'string', `case ${id}: label must be text`);
    need(typeof entry.unit === 'string' && entry.unit.length > 0, `case ${id}: unit must be text`);
    need(entry.better === 'lower' || entry.better === 'higher', `case ${id}: better must be lower or higher`);
    need(
      typeof entry.value === 'number' && Number.isFinite(entry.value),
      `case ${id}: value must be a finite number`,
    );
    need(
      isRecord(entry.numbers) && Object.keys(entry.numbers).length > 0,
      `case ${id}: numbers must be a non-empty object`,
    );
    if (isRecord(entry.numbers)) {
      for (const [key, number] of Object.entries(entry.numbers)) {
        need(
          typeof number === 'number' && Number.isFinite(number),
          `case ${id}: numbers.${key} must be a finite number`,
        );
      }
    }
    need(isRecord(entry.params), `case ${id}: params must be an object`);
    need(typeof entry.baselineId === 'string', `case ${id}: baselineId must be text`);
    need(typeof entry.ratio === 'number' && Number.isFinite(entry.ratio), `case ${id}: ratio must be finite`);
    need(
      entry.relative === null || (typeof entry.relative === 'number' && Number.isFinite(entry.relative)),
      `case ${id}: relative must be finite or null`,
    );
    if (entry.rounds !== undefined) {
      need(
        Array.isArray(entry.rounds) &&
          entry.rounds.every(
            (round) =>
              isRecord(round) &&
              Object.values(round).every((n) => typeof n === 'number' && Number.isFinite(n)),
          ),
        `case ${id}: rounds must be a list of objects of finite numbers`,
      );
    }
  }
  for (const entry of cases) {
    if (isRecord(entry) && !ids.has(String(entry.baselineId))) {
      problems.push(`case ${String(entry.id)}: baseline ${String(entry.baselineId)} does not exist`);
    }
  }
  const targets = value.targets;
  if (!Array.isArray(targets)) problems.push('targets must be a list');
  else {
    for (const target of targets) {
      if (!isRecord(target)) {
        problems.push('a target is not an object');
        continue;
      }
      need(
        ['met', 'missed', 'inconclusive', 'not-measured'].includes(String(target.status)),
        `target ${String(target.id)}: bad status`,
      );
      need(typeof target.goal === 'number', `target ${String(target.id)}: goal must be a number`);
      if (target.status !== 'not-measured') {
        need(
          ids.has(String(target.caseId)) && ids.has(String(target.referenceId)),
          `target ${String(target.id)}: cases must exist`,
        );
        need(
          typeof target.measured === 'number' && Number.isFinite(target.measured),
          `target ${String(target.id)}: measured must be finite`,
        );
      }
    }
  }
  need(Array.isArray(value.profiles), 'profiles must be a list');
  need(Array.isArray(value.charts), 'charts must be a list');
  return problems;
}
