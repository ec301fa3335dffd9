import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The page's files: an explicit allow-list of names and content types, read once at start.
 * A request can only ever name one of these keys, so no path from a client reaches the file
 * system (no traversal, no directory listing, no dotfiles).
 */
export const PAGE_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'assets/styles.css': 'text/css; charset=utf-8',
  'assets/app.js': 'text/javascript; charset=utf-8',
  'assets/api.js': 'text/javascript; charset=utf-8',
  'assets/credentials.js': 'text/javascript; charset=utf-8',
  'assets/charts.js': 'text/javascript; charset=utf-8',
  'assets/dom.js': 'text/javascript; charset=utf-8',
  'assets/favicon.svg': 'image/svg+xml',
} as const satisfies Readonly<Record<string, string>>;

export type PageFileName = keyof typeof PAGE_FILES;

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: a hash of the bytes, so it changes exactly when the file does. */
  readonly etag: string;
}

/**
 * `apps/api/public/`: from `src/page/` (tests) and from `dist/page/` (the built app) alike,
 * two levels up.
 */
export const PUBLIC_DIR = new URL('../../public/', import.meta.url);

function isPageFileName(name: string): name is PageFileName {
  return Object.hasOwn(PAGE_FILES, name);
}

export class StaticAssets {
  private constructor(private readonly files: ReadonlyMap<PageFileName, StaticAsset>) {}

  /** Reads every allow-listed file; a missing one is a broken install and stops the start. */
  static load(directory: URL = PUBLIC_DIR): StaticAssets {
    const files = new Map<PageFileName, StaticAsset>();
    for (const [name, contentType] of Object.entries(PAGE_FILES)) {
      if (!isPageFileName(name)) continue;
      const body = readFileSync(new URL(name, directory));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      files.set(name, { body, contentType, etag });
    }
    return new StaticAssets(files);
  }

  /** The file for a client-supplied name, or `undefined` when it is not on the list. */
  get(name: string): StaticAsset | undefined {
    return isPageFileName(name) ? this.files.get(name) : undefined;
  }
}
