import { readFile, stat } from 'node:fs/promises';

/** `benchmarks/results/latest.json` of this checkout: four levels up from `src/page/` or `dist/page/`. */
export const LATEST_RESULTS = new URL('../../../../benchmarks/results/latest.json', import.meta.url);

/** A results file is a few kilobytes; anything this large is not one, and is not sent. */
export const MAX_RESULTS_BYTES = 4 * 1024 * 1024;

/**
 * The latest benchmark report, read when asked (a benchmark run may replace it while the API
 * runs). `null` when there is none yet. The file is the benchmarks' to shape: this only checks
 * that it is a JSON object, and the page reads it defensively.
 */
export class BenchmarkResults {
  constructor(private readonly file: URL = LATEST_RESULTS) {}

  async exists(): Promise<boolean> {
    try {
      return (await stat(this.file)).isFile();
    } catch {
      return false;
    }
  }

  async latest(): Promise<Readonly<Record<string, unknown>> | null> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (size > MAX_RESULTS_BYTES) {
      throw new RangeError(
        `${this.file.pathname} is ${size} bytes, over the ${MAX_RESULTS_BYTES}-byte limit`,
      );
    }
    const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TypeError(`${this.file.pathname} does not hold a JSON object`);
    }
    return parsed as Readonly<Record<string, unknown>>;
  }
}
