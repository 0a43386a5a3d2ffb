/*
 * Decoded fonts kept for the install, in .cache/juan-fonts/ beside the CLI's bundle
 * (.cache/juan-cli/): a font file of a pinned package always decodes to the same bytes, so a
 * WOFF or WOFF2 is inflated once per installed package, not per build. Like the bundle it is a
 * cache of the tool, not of a book: `--no-cache` (no build cache) still uses it. Keyed by the
 * file's path, size and time; written to a temporary name and renamed, so concurrent builds
 * never read half of one; a folder that cannot be written only costs the decoding.
 * JUAN_FONT_CACHE=dir puts it elsewhere (the tests). Plain JavaScript: the font worker loads it
 * by path, and fonts/subset.ts reads it on its own thread.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProjectRoot } from '../../project-root.mjs';

// (this file also runs from the CLI's bundle in .cache/: the root is found, not assumed)
const TOOL_CACHE = process.env.JUAN_FONT_CACHE || path.join(findProjectRoot(path.dirname(fileURLToPath(import.meta.url))) ?? process.cwd(), '.cache', 'juan-fonts');

/** Where the decoded `file` is kept (without extension). */
export function toolCachePath(file) {
  const { size, mtimeMs } = statSync(file);
  return path.join(TOOL_CACHE, createHash('sha256').update(`${file}:${size}:${mtimeMs}`).digest('hex').slice(0, 24));
}

/**
 * The decoded font kept at `base`, or null.
 * @returns {{ sfnt: Uint8Array, unicodes: Uint32Array } | null}
 */
export function readDecoded(base) {
  try {
    const sfnt = readFileSync(`${base}.sfnt`);
    const cmap = readFileSync(`${base}.unicodes`);
    return { sfnt: new Uint8Array(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength), unicodes: new Uint32Array(cmap.buffer.slice(cmap.byteOffset, cmap.byteOffset + cmap.byteLength)) };
  } catch {
    return null;
  }
}

/** Keep `font` at `base` (its code points last: a reader finds both files or goes on decoding). */
export function writeDecoded(base, font) {
  try {
    mkdirSync(TOOL_CACHE, { recursive: true });
    const tmp = `${base}.${process.pid}-${Date.now()}.tmp`;
    writeFileSync(`${tmp}.unicodes`, font.unicodes);
    writeFileSync(`${tmp}.sfnt`, font.sfnt);
    renameSync(`${tmp}.sfnt`, `${base}.sfnt`);
    renameSync(`${tmp}.unicodes`, `${base}.unicodes`);
  } catch {
    /* read-only install: decoded again next time */
  }
}
