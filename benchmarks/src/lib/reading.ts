import { addedRttMs, clearlyDifferent, type Figure, figureOf } from './figures.js';
import { medianInterval } from './interval.js';
import type { KernelCosts } from './kernel-costs.js';
import type { BenchCase, Environment, Results } from './results.js';

/**
 * The report's "Reading this report" paragraph, generated from the run so that it claims only
 * what the intervals support: a difference between two HTTP routes is named only when their
 * intervals do not overlap; everything else is counted and called indistinguishable.
 */

function show(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

function describe(figure: Figure): string {
  return figure.low === null || figure.high === null
    ? show(figure.value)
    : `${show(figure.value)} (${show(figure.low)}–${show(figure.high)})`;
}

/** The kernel's fixed costs in a few words: they add to every request of every server alike. */
export function kernelCosts(costs: KernelCosts): string {
  const fault =
    costs.pageFaultUs === null ? 'not measured (no fresh pages)' : `${show(costs.pageFaultUs)} µs`;
  return `a system call ${show(costs.syscallNs / 1000)} µs, a page fault ${fault}`;
}

/** One sentence on the machine's condition, or a warning that the run did not record it. */
export function machineCondition(env: Environment): string {
  const load = env.loadAverageStart.split(/\s+/)[0];
  const perCore =
    load === undefined || Number.isNaN(Number(load)) ? '' : ` (${show(Number(load) / env.cores)} per core)`;
  const parts = [
    `${env.cores} cores`,
    `load average at start ${env.loadAverageStart}${perCore}, at end ${env.loadAverageEnd}`,
    env.cpuBusyPercentStart === undefined
      ? 'CPUs busy at start: not recorded'
      : `CPUs busy at start ${show(env.cpuBusyPercentStart)}%`,
    env.stealPercentStart === undefined
      ? 'steal: not recorded'
      : `steal ${show(env.stealPercentStart)}% at start`,
    ...(env.stealPercentRun === undefined ? [] : [`${show(env.stealPercentRun)}% over the run`]),
    ...(env.kernelCostsStart === undefined
      ? []
      : [
          `${kernelCosts(env.kernelCostsStart)} at start${env.kernelCostsEnd === undefined ? '' : `, ${kernelCosts(env.kernelCostsEnd)} at end`} (compare runs only when these are alike)`,
        ]),
  ];
  const verdict =
    env.busy === true
      ? `**BUSY at start** (${env.busyReason ?? 'load'}): quote nothing from this run`
      : env.busy === false
        ? 'quiet at start'
        : '**busy flag not recorded** (an older harness): judge from the load average';
  return `**Machine:** ${verdict}; ${parts.join('; ')}.`;
}

/**
 * How likely a case's intervals are to cover the true medians: recorded by aggregateRounds, or
 * derived from its round count. Below 95 % (a quick run's 2–3 rounds) non-overlap proves nothing.
 */
function coverageOf(entry: BenchCase): number {
  const recorded = entry.numbers.intervalCoverage;
  if (recorded !== undefined) return recorded;
  const n = entry.rounds?.length ?? 0;
  return n === 0 ? 0 : medianInterval(Array.from({ length: n }, (_, index) => index)).coverage;
}

interface Difference {
  readonly text: string;
}

/** Pairwise differences on `key` among the protected routes of each HTTP config. */
function httpDifferences(
  cases: readonly BenchCase[],
  key: string,
  what: string,
  unit: string,
): { found: Difference[]; compared: number; withIntervals: number; covered: number } {
  const byConfig = new Map<string, BenchCase[]>();
  for (const entry of cases) {
    // The req/s cases only: each has a `…/cpu` twin with the same rounds, which would repeat every pair.
    if (entry.family !== 'http-throughput' || entry.unit !== 'req/s' || entry.baselineId === entry.id)
      continue;
    const config = String(entry.params.config ?? '');
    byConfig.set(config, [...(byConfig.get(config) ?? []), entry]);
  }
  const found: Difference[] = [];
  let compared = 0;
  let withIntervals = 0;
  let covered = 0;
  for (const [config, group] of byConfig) {
    for (const [index, a] of group.entries()) {
      for (const b of group.slice(index + 1)) {
        const fa = figureOf(a, key);
        const fb = figureOf(b, key);
        if (fa === null || fb === null) continue;
        compared += 1;
        if (fa.spread !== 'interval' || fb.spread !== 'interval') continue;
        withIntervals += 1;
        if (Math.min(coverageOf(a), coverageOf(b)) < 0.95) continue;
        covered += 1;
        if (!clearlyDifferent(fa, fb)) continue;
        const [low, high] = fa.value < fb.value ? [a, b] : [b, a];
        const [flow, fhigh] = fa.value < fb.value ? [fa, fb] : [fb, fa];
        found.push({
          text: `${config}: ${what} of \`${String(low.params.route)}\` ${describe(flow)} < \`${String(high.params.route)}\` ${describe(fhigh)} ${unit}`,
        });
      }
    }
  }
  return { found, compared, withIntervals, covered };
}

export function readingThisReport(results: Pick<Results, 'cases' | 'targets' | 'mode'>): string[] {
  const lines: string[] = [];
  const count = (status: string) => results.targets.filter((target) => target.status === status).length;
  lines.push(
    `- Targets: ${count('met')} met, ${count('missed')} missed, ${count('inconclusive')} inconclusive, ${count('not-measured')} not measured. Only a met or missed target whose row shows an interval was decided by its interval; one without was decided on a single measurement.`,
  );
  const cpu = httpDifferences(results.cases, 'apiCpuUsPerRequest', 'API CPU per request', 'µs');
  const rate = httpDifferences(results.cases, 'reqPerSec', 'throughput', 'req/s');
  for (const [name, result] of [
    ['server CPU per request', cpu],
    ['req/s', rate],
  ] as const) {
    if (result.compared === 0) continue;
    if (result.withIntervals === 0) {
      lines.push(
        `- HTTP ${name}: this run recorded no intervals (one pass per case), so no difference between routes is claimed from it.`,
      );
      continue;
    }
    if (result.covered === 0) {
      lines.push(
        `- HTTP ${name}: too few rounds for 95% intervals, so no difference between routes is claimed from this run.`,
      );
      continue;
    }
    const rest = result.covered - result.found.length;
    lines.push(
      result.found.length === 0
        ? `- HTTP ${name}: all ${result.covered} pairwise differences between routes of the same configuration lie within overlapping 95% intervals — indistinguishable at this precision.`
        : `- HTTP ${name}, differences whose 95% intervals do not overlap (${result.found.length} of ${result.covered}; the other ${rest} are indistinguishable at this precision):`,
    );
    for (const difference of result.found) lines.push(`  - ${difference.text}`);
  }
  const negative = results.cases.filter(
    (entry) => entry.unit === 'bytes/login' && (entry.numbers.bytesPerLogin ?? entry.value) <= -0.5,
  );
  if (negative.length > 0) {
    lines.push(
      `- ${negative.length} per-login state figure(s) came out negative (${negative.map((entry) => `\`${entry.id}\``).join(', ')}): heap deltas swamped by GC noise, not savings. The charts draw them at 0; read the store-measured (Redis) rows instead.`,
    );
  }
  const rtts = results.cases
    .filter((entry) => entry.family === 'store-distance' && entry.params.strategy !== undefined)
    .map(addedRttMs)
    .filter((rtt) => rtt !== null);
  if (rtts.length > 0) {
    lines.push(
      rtts.every((rtt) => rtt.measured)
        ? '- Store distance is plotted against the RTT measured in the run (proxied PING − direct PING), not the proxy setting.'
        : '- Some store-distance points have no measured RTT: those are plotted at the nominal proxy setting and labelled so.',
    );
  }
  if (results.mode === 'quick')
    lines.push('- Quick run: too few rounds for 95% intervals; nothing here is a finding.');
  return lines;
}
