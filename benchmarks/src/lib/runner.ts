import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAMILIES } from '../cases/index.js';
import { apiConfigs } from './api-configs.js';
import { ApiPool } from './api-process.js';
import { writeCharts } from './charts.js';
import type { FamilyScope, Profiler, RunContext } from './context.js';
import { planCpus } from './cpu-plan.js';
import { captureEnvironment, gitCommit, loadAverage } from './environment.js';
import { createFixtures } from './fixtures.js';
import { closeHttpAgent } from './http.js';
import { probeKernelCostsInChild } from './kernel-costs.js';
import { LoadGenerator } from './loadgen.js';
import { type CliOptions, outputDirectory, sizesFor, UsageError } from './options.js';
import { readCpuTimes, sampleMachineLoad, settleMachine } from './proc.js';
import { ProcessRegistry } from './processes.js';
import { Progress } from './progress.js';
import { probePython } from './python.js';
import { renderMarkdown } from './report-md.js';
import {
  type CaseInput,
  evaluateTarget,
  type FamilyId,
  type FamilyResult,
  finalizeCases,
  type Missing,
  type ProfileSummary,
  type Results,
  SCHEMA_VERSION,
  type TargetResult,
  type TargetSpec,
} from './results.js';
import { Services } from './services.js';
import { StoreProxies } from './store-proxies.js';

/** The last phase of the progress line: profiles of missed targets, then the report. */
const PROFILES_PHASE = 'profiles and report';

export interface RunOutcome {
  readonly results: Results;
  /** 0, or 1 when a family failed. */
  readonly exitCode: number;
  readonly files: readonly string[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

export async function runBenchmarks(options: CliOptions, argv: readonly string[]): Promise<RunOutcome> {
  const startedAt = Date.now();
  const loadAverageStart = loadAverage();
  // The commit measured is the tree at the start: an edit made while the run goes on (a doc
  // written from its first families) must not mark the results `+uncommitted`.
  const commit = gitCommit();
  const selected = FAMILIES.filter(
    (family) => options.only.length === 0 || options.only.some((pattern) => family.id.includes(pattern)),
  );
  if (selected.length === 0) {
    throw new UsageError(
      `--only ${options.only.join(',')} matches no family; the families are: ${FAMILIES.map((family) => family.id).join(', ')}`,
    );
  }

  const out = outputDirectory(options);
  // How busy the machine is before anything starts (1 s of /proc/stat): a busy run is flagged.
  // A full run first waits up to 2 minutes for it to settle; a quick one proves the harness only.
  const machineStart = options.quick
    ? await sampleMachineLoad(1_000)
    : await settleMachine(availableParallelism(), 120_000, (reason, waitedMs) =>
        process.stderr.write(
          `waiting for the machine to settle (${reason}; ${Math.round(waitedMs / 1000)} s of at most 120)\n`,
        ),
      );
  const timesStart = await readCpuTimes();
  const kernelStart = probeKernelCostsInChild();
  const fixtures = createFixtures();
  const registry = new ProcessRegistry(fixtures.runId);
  const cpu = planCpus();
  registry.useTaskset(cpu.taskset);
  const sizes = sizesFor(options.quick);
  const tmpDir = await mkdtemp(join(tmpdir(), 'authbench-bench-'));
  registry.onCleanup(
    'scratch directory',
    () => rm(tmpDir, { recursive: true, force: true }),
    () => rmSync(tmpDir, { recursive: true, force: true }),
  );
  const services = new Services(registry);
  const proxies = new StoreProxies(registry, cpu, services);
  const apis = new ApiPool(registry, cpu, fixtures, apiConfigs(services, proxies, sizes));
  const loadgen = new LoadGenerator(registry, cpu, sizes);
  const python = probePython();
  const partial: Omit<RunContext, 'progress'> = {
    options,
    sizes,
    registry,
    services,
    cpu,
    apis,
    proxies,
    loadgen,
    fixtures,
    python,
    tmpDir,
  };
  const progress = new Progress(
    selected.map((family) => ({
      id: family.id,
      seconds: family.estimateSeconds({ ...partial, progress: null as never }),
    })),
  );
  const ctx: RunContext = { ...partial, progress };
  registry.installHandlers((signal) => progress.log(`${signal}: stopping every process this run started…`));
  progress.log(
    `authbench benchmarks, ${sizes.mode} mode: ${selected.map((family) => family.id).join(', ')}; CPU plan: ${cpu.description}`,
  );
  progress.log(`results will be written to ${out}`);

  const inputs: CaseInput[] = [];
  const targets: { spec: TargetSpec; profiler: Profiler | undefined }[] = [];
  const families: Partial<Record<FamilyId, FamilyResult>> = {};
  const files: string[] = [];
  let failed = false;
  let prefetched = false;
  try {
    for (const [index, family] of selected.entries()) {
      if (registry.interrupted) break;
      progress.startFamily(family.id);
      const started = Date.now();
      const missing = family.missing(ctx);
      if (!prefetched && missing.length === 0 && (family.apiConfigs?.(ctx).length ?? 0) > 0) {
        // Every API process the remaining families need starts now, together: start-ups overlap
        // (seconds each) and none runs while a measurement does. A failed start is retried (and
        // reported) by the family that needs it.
        prefetched = true;
        const keys = new Set(
          selected
            .slice(index)
            .filter((later) => later.missing(ctx).length === 0)
            .flatMap((later) => later.apiConfigs?.(ctx) ?? []),
        );
        progress.update(`starting ${keys.size} API processes: ${[...keys].join(', ')}`, 0, 1);
        await Promise.allSettled([...keys].map((key) => apis.get(key)));
      }
      const base = { title: family.title, description: family.description };
      if (missing.length > 0) {
        for (const entry of missing)
          progress.log(`SKIPPED ${family.id}: ${entry.what} is not available (${entry.hint})`);
        families[family.id] = { ...base, status: 'skipped', missing, notes: [], durationMs: 0, caseCount: 0 };
        continue;
      }
      const own: CaseInput[] = [];
      const notes: string[] = [];
      const partialMissing: Missing[] = [];
      const scope: FamilyScope = {
        add: (input) => own.push({ ...input, family: family.id }),
        note: (text) => notes.push(text),
        skipPart: (entry, what) => {
          partialMissing.push(entry);
          notes.push(`Skipped ${what}: ${entry.what} is not available (${entry.hint}).`);
          progress.log(
            `SKIPPED part of ${family.id} (${what}): ${entry.what} is not available (${entry.hint})`,
          );
        },
        target: (spec, profiler) => targets.push({ spec: { ...spec, family: family.id }, profiler }),
        step: (label, done, total) => progress.update(label, done, total),
        earlier: () => inputs,
      };
      let status: FamilyResult['status'] = 'ok';
      let error: string | undefined;
      try {
        await family.run(ctx, scope);
        if (partialMissing.length > 0) status = 'partial';
      } catch (caught) {
        failed = true;
        status = 'failed';
        error = message(caught);
        progress.log(`FAILED ${family.id}: ${error}`);
      }
      // A failed family keeps the cases whose baseline was measured.
      const ids = new Set(own.map((entry) => entry.id));
      const kept = own.filter((entry) => ids.has(entry.baselineId));
      inputs.push(...kept);
      families[family.id] = {
        ...base,
        status,
        missing: partialMissing,
        notes,
        durationMs: Date.now() - started,
        caseCount: kept.length,
        ...(error === undefined ? {} : { error }),
      };
    }

    const cases = finalizeCases(inputs);
    progress.startFamily(PROFILES_PHASE);
    const evaluated = targets.map(({ spec, profiler }) => ({
      result: evaluateTarget(spec, cases),
      profiler,
    }));
    // The budget goes to the worst misses first: they are the ones a reader asks about; then
    // the inconclusive ones (an interval straddling the goal), worst first too.
    const rank = (status: TargetResult['status']) => (status === 'missed' ? 0 : 1);
    const missed = evaluated
      .filter(
        ({ result, profiler }) =>
          (result.status === 'missed' || result.status === 'inconclusive') && profiler !== undefined,
      )
      .sort(
        (a, b) =>
          rank(a.result.status) - rank(b.result.status) ||
          (a.result.measured ?? 0) / a.result.goal - (b.result.measured ?? 0) / b.result.goal,
      );
    const profiles: ProfileSummary[] = [];
    const final = new Map<string, TargetResult>();
    for (const [rank, { result, profiler }] of missed.entries()) {
      if (profiler === undefined) continue;
      if (rank >= sizes.profileBudget) {
        final.set(result.id, {
          ...result,
          note: `not profiled: ${sizes.mode} mode profiles the ${sizes.profileBudget} worst-missed or inconclusive target${sizes.profileBudget === 1 ? '' : 's'}`,
        });
        continue;
      }
      const id = `profile-${result.id}`;
      progress.update(
        `profiling the ${result.status} target ${result.id}`,
        rank,
        Math.min(missed.length, sizes.profileBudget),
      );
      try {
        profiles.push(await profiler({ id, targetId: result.id }));
        final.set(result.id, { ...result, profileId: id });
      } catch (caught) {
        progress.log(`profile of ${result.id} failed: ${message(caught)}`);
        final.set(result.id, { ...result, note: `profiling failed: ${message(caught)}` });
      }
    }
    const targetResults = evaluated.map(({ result }) => final.get(result.id) ?? result);
    progress.update('writing the report and charts', 1, 1);

    const environment = captureEnvironment({
      cpu,
      python,
      services: services.describe(),
      loadAverageStart,
      commit,
      machine: { start: machineStart, timesStart, timesEnd: await readCpuTimes() },
      kernel: { start: kernelStart, end: probeKernelCostsInChild() },
    });
    if (environment.busy === true) progress.log(`BUSY machine: ${environment.busyReason ?? ''}`);
    await mkdir(out, { recursive: true });
    const draft: Results = {
      schema: SCHEMA_VERSION,
      runId: fixtures.runId,
      mode: sizes.mode,
      generatedAt: new Date().toISOString(),
      durationMs: Date.now() - startedAt,
      commit,
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      environment,
      families,
      cases,
      targets: targetResults,
      profiles,
      charts: [],
    };
    const charts = await writeCharts(draft, out);
    const results: Results = {
      ...draft,
      charts: charts.map((chart) => chart.file),
      durationMs: Date.now() - startedAt,
    };
    await writeAtomically(join(out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    await writeAtomically(join(out, 'latest.md'), renderMarkdown(results, charts));
    files.push('latest.json', 'latest.md', ...charts.map((chart) => chart.file));
    return { results, exitCode: failed ? 1 : 0, files: files.map((file) => join(out, file)) };
  } finally {
    progress.update('stopping every process this run started', 1, 1);
    await apis.stopAll().catch(() => undefined);
    await registry.stopAll();
    closeHttpAgent();
    progress.finish();
  }
}
