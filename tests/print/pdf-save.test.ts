/**
 * book.pdf is saved by pdf/save.ts: pdf-lib's writer with its object and cross-reference streams
 * compressed by Node's zlib instead of pako. The objects must be exactly pdf-lib's own save's:
 * qpdf (an independent reader) expands both files — streams decoded, object streams dissolved —
 * and the two expansions are compared byte for byte; the comparison is shown to catch a single
 * changed object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { saveWithZlib } from '../../pipeline/render/print/pdf/save.ts';

const temp = mkdtempSync(join(tmpdir(), 'juan-save-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The file as qpdf expands it (QDF: uncompressed streams, no object streams, a fixed /ID). */
function expanded(pdf: Uint8Array, name: string): Buffer {
  const file = join(temp, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('qpdf', ['--check', file]);
  execFileSync('qpdf', ['--static-id', '--qdf', '--object-streams=disable', file, join(temp, `${name}.qdf`)]);
  return readFileSync(join(temp, `${name}.qdf`));
}

const load = (bytes: Uint8Array) => PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });

describe('saveWithZlib', () => {
  it('writes the objects pdf-lib’s own save writes, with object streams, compressed by zlib', async () => {
    expect(inject('seedBuildError')).toBeNull();
    const book = readFileSync(join(inject('seedOut'), 'book.pdf'));
    const ours = await saveWithZlib(await load(book));
    const theirs = await (await load(book)).save({ objectsPerTick: Infinity });
    // another encoder: the files differ…
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(false);
    // …in the compressed bytes only, and the structure is pdf-lib's (object streams, an XRef stream)
    expect(expanded(ours, 'ours').equals(expanded(theirs, 'theirs'))).toBe(true);
    const text = Buffer.from(ours).toString('latin1');
    expect(text).toMatch(/\/Type \/ObjStm/);
    expect(text).toMatch(/\/Type \/XRef/);
    expect((await load(ours)).getPageCount()).toBe((await load(book)).getPageCount());
  });

  it('the comparison catches one object changed', async () => {
    const book = readFileSync(join(inject('seedOut'), 'book.pdf'));
    const changed = await load(book);
    changed.setTitle('另一个书名');
    const ours = await saveWithZlib(changed);
    const theirs = await (await load(book)).save({ objectsPerTick: Infinity });
    expect(expanded(ours, 'changed').equals(expanded(theirs, 'theirs2'))).toBe(false);
  });
});
