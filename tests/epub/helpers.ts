/** Reading an EPUB back for the tests: zip entries, XML DOM queries, epubcheck. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { parseDocument } from 'htmlparser2';
import { selectAll as cssSelectAll, selectOne as cssSelectOne } from 'css-select';
import { textContent } from 'domutils';
import type { Document, Element } from 'domhandler';
import type { PageMap } from '../../pipeline/model/types.ts';

export { textContent };

type Query = Parameters<typeof cssSelectAll>[1];
/** css-select in XML mode (case-sensitive names: navMap, navPoint). */
export function selectAll(selector: string, root: Query): Element[] {
  return cssSelectAll(selector, root, { xmlMode: true }) as Element[];
}
export function selectOne(selector: string, root: Query): Element | null {
  return cssSelectOne(selector, root, { xmlMode: true }) as Element | null;
}
export type { Document, Element };

export interface Unzipped {
  /** Entry names in zip order. */
  names: string[];
  text(name: string): string;
  bytes(name: string): Uint8Array;
}

export async function unzip(epub: Uint8Array): Promise<Unzipped> {
  const zip = await JSZip.loadAsync(epub);
  const names = Object.keys(zip.files);
  const texts = new Map<string, string>();
  const bins = new Map<string, Uint8Array>();
  for (const name of names) {
    if (zip.files[name]!.dir) continue;
    bins.set(name, await zip.files[name]!.async('uint8array'));
    texts.set(name, await zip.files[name]!.async('string'));
  }
  return {
    names,
    text: (name) => {
      const t = texts.get(name);
      if (t == null) throw new Error(`no entry ${name}`);
      return t;
    },
    bytes: (name) => bins.get(name)!,
  };
}

export function xml(source: string): Document {
  return parseDocument(source, { xmlMode: true });
}

/** The local file header of the first zip entry. */
export function firstEntry(epub: Uint8Array): { signature: number; method: number; name: string; extraLength: number; data: string } {
  const view = new DataView(epub.buffer, epub.byteOffset, epub.byteLength);
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const size = view.getUint32(18, true);
  const name = new TextDecoder().decode(epub.subarray(30, 30 + nameLength));
  const start = 30 + nameLength + extraLength;
  return {
    signature: view.getUint32(0, true),
    method: view.getUint16(8, true),
    name,
    extraLength,
    data: new TextDecoder().decode(epub.subarray(start, start + size)),
  };
}

/** Numeric character references to CJK (and other non-ASCII) characters. */
export function nonAsciiCharRefs(source: string): string[] {
  const refs: string[] = [];
  for (const m of source.matchAll(/&#(x[0-9a-f]+|\d+);/gi)) {
    const cp = m[1]!.startsWith('x') || m[1]!.startsWith('X') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
    if (cp > 0x7f) refs.push(m[0]);
  }
  return refs;
}

export const EPUBCHECK_JAR = '/usr/bin/epubcheck';

/** Why epubcheck cannot run here, or null when it can. */
export function epubcheckUnavailable(): string | null {
  if (!existsSync(EPUBCHECK_JAR)) return `${EPUBCHECK_JAR} not found (Debian package epubcheck; npm run setup installs it)`;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return 'java not found on PATH (needed to run epubcheck)';
  return null;
}

export interface EpubcheckMessage {
  severity: 'FATAL' | 'ERROR' | 'WARNING' | 'USAGE' | 'INFO' | 'SUPPRESSED';
  ID: string;
  message: string;
  locations: Array<{ path: string; line: number; column: number }>;
}

/** Run epubcheck on the bytes and return its messages (from its JSON report). */
export function epubcheck(epub: Uint8Array, name = 'book.epub'): EpubcheckMessage[] {
  const dir = mkdtempSync(join(tmpdir(), 'juan-epubcheck-'));
  const file = join(dir, name);
  const report = join(dir, 'report.json');
  writeFileSync(file, epub);
  try {
    execFileSync('java', ['-jar', EPUBCHECK_JAR, file, '--json', report], { stdio: 'pipe' });
  } catch {
    // non-zero exit when there are errors; the report says which
  }
  if (!existsSync(report)) throw new Error('epubcheck wrote no report');
  return (JSON.parse(readFileSync(report, 'utf8')) as { messages: EpubcheckMessage[] }).messages;
}

export function countBySeverity(messages: EpubcheckMessage[]): { fatal: number; error: number; warning: number } {
  return {
    fatal: messages.filter((m) => m.severity === 'FATAL').length,
    error: messages.filter((m) => m.severity === 'ERROR').length,
    warning: messages.filter((m) => m.severity === 'WARNING').length,
  };
}

/** A copy of the EPUB with one entry's text changed (for the failing-input checks). */
export async function withEntry(epub: Uint8Array, name: string, edit: (text: string) => string): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(epub);
  const text = await zip.file(name)!.async('string');
  zip.file(name, edit(text));
  zip.file('mimetype', 'application/epub+zip', { compression: 'STORE' });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/**
 * The PDF's folios of the body pages, in order: every body page up to the last one that has
 * text (a blank page begins where the next page with text begins; trailing blanks have no place).
 */
export function bodyFolios(map: PageMap): string[] {
  const last = Math.max(...map.pageStarts.map((s) => s.page));
  return map.pages.filter((p) => p.section === 'body' && p.page <= last).map((p) => p.folio);
}

