import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { deferWasmTierUp } from './wasm-tiering.js';

/**
 * A freshly initialised, empty PGlite data directory, made once when this package is built
 * (`initdb` in WebAssembly is most of a first start: seconds on a loaded machine). Made by the
 * same PGlite this package runs, and rebuilt whenever the package or its dependencies change.
 * It holds no schema: the migrations still run at start-up, as on every other path.
 */
export const PGLITE_TEMPLATE_DIR = fileURLToPath(new URL('../pglite-template', import.meta.url));

/** The same template as a tarball, which an in-memory database (`:memory:`) loads instead. */
export const PGLITE_TEMPLATE_TAR = fileURLToPath(new URL('../pglite-template.tar', import.meta.url));

export interface PgliteTemplate {
  readonly dir: string;
  readonly tar: string;
}

export const PGLITE_TEMPLATE: PgliteTemplate = { dir: PGLITE_TEMPLATE_DIR, tar: PGLITE_TEMPLATE_TAR };

/**
 * `initdb`'s options beyond PGlite's own: 1 MB WAL segments instead of 16 MB. The template
 * holds whole segments: 16 MB of its 39 MB before, 7 MB of 30 MB now; every first start
 * copies the template and every `:memory:` database unpacks its tarball in JavaScript, in time
 * proportional to its size. A users store writes little WAL: small segments cost it nothing.
 */
export const PGLITE_INITDB_PARAMS: readonly string[] = ['--wal-segsize=1'];

/** Builds the template (replacing it): run by `build`, never at start-up. */
export async function makePgliteTemplate(template: PgliteTemplate = PGLITE_TEMPLATE): Promise<void> {
  rmSync(template.dir, { recursive: true, force: true });
  rmSync(template.tar, { force: true });
  const staging = `${template.dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const db = await PGlite.create(staging, { initDbStartParams: [...PGLITE_INITDB_PARAMS] });
  try {
    await db.query('SELECT 1');
    const tarball = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    writeFileSync(`${template.tar}.staging`, tarball);
  } finally {
    await db.close();
  }
  renameSync(`${template.tar}.staging`, template.tar);
  renameSync(staging, template.dir);
}

/**
 * PGlite's own start parameters, with a smaller buffer pool. Postgres zeroes its shared memory
 * at start, and the default 128 MB pool is ~0.3 s of page faults per start on this VM (issue
 * #15); the users table of even 10 000 accounts is a few MB, and 16 MB (2 048 pages) holds it
 * whole. A parameter, not the data directory's postgresql.conf: it applies to existing data too.
 */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'shared_buffers=16MB',
];

/**
 * Opens PGlite on `dataDir` (or in memory), from the template when there is one and the data
 * is new: an empty or absent directory is seeded by a copy (`seedFromTemplate`), an in-memory
 * database loads the tarball. Anything else, or no template, is PGlite's own `initdb`.
 */
export async function createPglite(
  dataDir: string,
  template: PgliteTemplate = PGLITE_TEMPLATE,
): Promise<PGlite> {
  deferWasmTierUp();
  const startParams = [...PGLITE_START_PARAMS];
  if (dataDir !== ':memory:') {
    seedFromTemplate(dataDir, template.dir);
    mkdirSync(dataDir, { recursive: true });
    return PGlite.create(dataDir, { startParams });
  }
  if (!existsSync(template.tar)) return PGlite.create({ startParams });
  return PGlite.create({ loadDataDir: new Blob([readFileSync(template.tar)]), startParams });
}

function isEmptyOrAbsent(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * Makes `dataDir` a copy of the template when it does not exist yet or is empty, so that the
 * first start skips `initdb`. Never touches a directory that holds anything: data stays as is.
 * The copy is made beside it and renamed into place, so `dataDir` is either absent/empty or a
 * whole data directory, even if the process dies half-way. Returns whether it seeded; on any
 * failure (no template, a full disk) it cleans up and returns false, and PGlite then runs
 * `initdb` itself as it always did.
 */
export function seedFromTemplate(dataDir: string, template: string = PGLITE_TEMPLATE_DIR): boolean {
  // Through a symlink to the directory it names: rename(2) would replace the link itself. An
  // empty mount point cannot be renamed over (EBUSY/EXDEV): that falls back to initdb.
  const target = existsSync(dataDir) ? realpathSync(dataDir) : resolve(dataDir);
  if (!existsSync(join(template, 'PG_VERSION')) || !isEmptyOrAbsent(target)) return false;
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.seeding-`));
  try {
    cpSync(template, staging, { recursive: true });
    // Over an empty directory rename(2) replaces it; over one that another process has just
    // filled it fails, and that process's data is kept.
    renameSync(staging, target);
    return true;
  } catch {
    rmSync(staging, { recursive: true, force: true });
    return false;
  }
}
