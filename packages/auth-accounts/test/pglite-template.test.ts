import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openUserRepository } from '../src/index.js';
import {
  createPglite,
  makePgliteTemplate,
  type PgliteTemplate,
  seedFromTemplate,
} from '../src/users/pglite-template.js';

// initdb in WebAssembly on a loaded 2-core machine: minutes are possible, never a failure.
const SLOW = 300_000;

let root: string;
let templates: PgliteTemplate;
let template: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'authbench-pglite-template-'));
  templates = { dir: join(root, 'template'), tar: join(root, 'template.tar') };
  template = templates.dir;
  await makePgliteTemplate(templates);
}, SLOW);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the pre-initialised PGlite data directory', () => {
  it('is a whole data directory, with nothing left of its staging copy', () => {
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
    expect(existsSync(`${template}.staging`)).toBe(false);
    expect(existsSync(templates.tar)).toBe(true);
    expect(existsSync(`${templates.tar}.staging`)).toBe(false);
  });

  it(
    'gives an in-memory database from the tarball that serves queries',
    async () => {
      const db = await createPglite(':memory:', templates);
      try {
        await db.query('CREATE TABLE t (x integer)');
        await db.query('INSERT INTO t VALUES (1)');
        expect((await db.query<{ x: number }>('SELECT x FROM t')).rows).toEqual([{ x: 1 }]);
      } finally {
        await db.close();
      }
    },
    SLOW,
  );

  it(
    'opens on disk and in memory with the smaller buffer pool and WAL segments, existing data included',
    async () => {
      const dataDir = join(root, 'buffers');
      expect(seedFromTemplate(dataDir, template)).toBe(true);
      for (const where of [dataDir, dataDir, ':memory:']) {
        const db = await createPglite(where, templates);
        try {
          const buffers = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
          expect(buffers.rows).toEqual([{ shared_buffers: '16MB' }]);
          const segments = await db.query<{ wal_segment_size: string }>('SHOW wal_segment_size');
          expect(segments.rows).toEqual([{ wal_segment_size: '1MB' }]);
        } finally {
          await db.close();
        }
      }
    },
    SLOW,
  );

  it(
    'seeds an absent data directory, which then opens and serves users',
    async () => {
      const dataDir = join(root, 'absent', 'data');
      expect(seedFromTemplate(dataDir, template)).toBe(true);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      // No staging copy is left beside it.
      expect(readdirSync(join(root, 'absent'))).toEqual(['data']);
      const users = await openUserRepository({ dataDir });
      try {
        const created = await users.create({ username: 'ada', passwordHash: 'h' });
        expect((await users.findById(created.id))?.username).toBe('ada');
      } finally {
        await users.close();
      }
      const again = await openUserRepository({ dataDir });
      try {
        expect(await again.findByUsername('ada')).not.toBeNull();
      } finally {
        await again.close();
      }
    },
    SLOW,
  );

  it(
    'seeds an empty data directory from a template that what others wrote did not change',
    async () => {
      const dataDir = join(root, 'empty');
      mkdirSync(dataDir);
      expect(seedFromTemplate(dataDir, template)).toBe(true);
      const users = await openUserRepository({ dataDir });
      try {
        expect(await users.findByUsername('ada')).toBeNull();
      } finally {
        await users.close();
      }
    },
    SLOW,
  );

  it('seeds through a symlink into the directory it names, keeping the link', () => {
    const real = join(root, 'real');
    const link = join(root, 'link');
    mkdirSync(real);
    symlinkSync(real, link);
    expect(seedFromTemplate(link, template)).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(existsSync(join(real, 'PG_VERSION'))).toBe(true);
  });

  it('never touches a data directory that holds anything', () => {
    const dataDir = join(root, 'kept');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'something'), 'mine');
    expect(seedFromTemplate(dataDir, template)).toBe(false);
    expect(readdirSync(dataDir)).toEqual(['something']);
  });

  it('declines without a template, leaving initdb to PGlite', () => {
    const dataDir = join(root, 'no-template');
    expect(seedFromTemplate(dataDir, join(root, 'missing'))).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });
});
