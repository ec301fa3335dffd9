#!/usr/bin/env node
// `npm run render -- <latest.json> --out <dir>`: rebuilds latest.md and the SVG charts from a
// results file without running anything, so a report change can be checked against a real run
// and a committed run can be re-rendered. It never writes beside the input unless told to.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeCharts } from './lib/charts.js';
import { renderMarkdown } from './lib/report-md.js';
import { type Results, validateResults } from './lib/results.js';

const USAGE = 'usage: npm run render -- <latest.json> --out <dir>';

async function main(argv: readonly string[]): Promise<number> {
  const outAt = argv.indexOf('--out');
  const out = outAt === -1 ? undefined : argv[outAt + 1];
  const input = argv.find((arg, index) => !arg.startsWith('--') && index !== outAt + 1);
  if (input === undefined || out === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const parsed: unknown = JSON.parse(await readFile(input, 'utf8'));
  const problems = validateResults(parsed);
  if (problems.length > 0) {
    process.stderr.write(`${input} is not a results file:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return 1;
  }
  // validateResults checked the documented shape.
  const results = parsed as Results;
  await mkdir(out, { recursive: true });
  const charts = await writeCharts(results, out);
  const rendered: Results = { ...results, charts: charts.map((chart) => chart.file) };
  await writeFile(join(out, 'latest.md'), renderMarkdown(rendered, charts));
  process.stderr.write(
    ['latest.md', ...charts.map((chart) => chart.file)]
      .map((file) => `  wrote ${resolve(out, file)}\n`)
      .join(''),
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
