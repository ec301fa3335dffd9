#!/usr/bin/env node
import { parseArgs, USAGE, UsageError } from './lib/options.js';
// `npm run bench` (scripts/bench.sh → node benchmarks/dist/cli.js "$@"): runs the benchmark
// families, writes benchmarks/results/latest.{json,md} and the SVG charts, and stops every
// process it started, whatever happens.
import { runBenchmarks } from './lib/runner.js';

async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const outcome = await runBenchmarks(options, argv);
    const { results } = outcome;
    const count = (status: string) => results.targets.filter((target) => target.status === status).length;
    process.stderr.write(
      `\n${results.cases.length} cases in ${Math.round(results.durationMs / 1000)} s (${results.mode} mode${results.environment.busy === true ? ', BUSY machine' : ''}); ` +
        `targets: ${count('met')} met, ${count('missed')} missed, ${count('inconclusive')} inconclusive, ${count('not-measured')} not measured (of ${results.targets.length}).\n` +
        outcome.files.map((file) => `  wrote ${file}\n`).join(''),
    );
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `benchmarks failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
