import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A freshly initialised, empty PGlite data directory, made once when this package is built
 * (`initdb` in WebAssembly is most of a first start: seconds on a loaded machine). Made by the
 * same PGlite this package runs, and rebuilt whenever the package or its dependencies change.
 * It holds no schema: the migrations still run at start-up, as on every other path.
 */
export const PGLITE_TEMPLATE_DIR = fileURLToPath(new URL('../pglite-template', import.meta.url));

/** Builds the template into `target` (replacing it): run by `build`, never at start-up. */
export async function makePgliteTemplate(target: string = PGLITE_TEMPLATE_DIR): Promise<void> {
  rmSync(target, { recursive: true, force: true });
  const staging = `${target}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const db = await PGlite.create(staging);
  await db.query('SELECT 1');
  await db.close();
  renameSync(staging, target);
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
