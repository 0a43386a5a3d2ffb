/**
 * `juan build --print-ready` on the seed book, read back with independent readers — poppler
 * (pdfinfo -box) and qpdf (uncompressed content streams, JSON objects): MediaBox > BleedBox >
 * TrimBox with 3 mm bleed and the slug, an even page count, no RGB colour operator in any
 * content stream, a PDF/X OutputIntent with a gray profile. The preflight (check/preflight.ts)
 * passes it and fails the ordinary seed PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runBuild, type BuildResult } from '../../pipeline/commands/build.ts';
import { preflight } from '../../pipeline/check/preflight.ts';
import { convertToGray, grayContent } from '../../pipeline/render/print/pdf/press.ts';
import { SLUG_MM } from '../../pipeline/render/print/page-css.ts';
import { PT_PER_MM } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const seedOut = inject('seedOut');
const temp = mkdtempSync(join(tmpdir(), 'juan-press-'));
const out = join(temp, 'out');
const pdf = join(out, 'book.pdf');
let build: BuildResult;

beforeAll(async () => {
  build = await runBuild({ cwd: ROOT, out, epub: false, cache: false, printReady: true, browser: true });
}, 600_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

type Box = [number, number, number, number];
/** Every page's boxes as poppler reads them. */
function popplerBoxes(file: string): Array<Record<string, Box>> {
  const text = execFileSync('pdfinfo', ['-box', '-f', '1', '-l', '9999', file], { encoding: 'utf8' });
  const pages: Array<Record<string, Box>> = [];
  for (const m of text.matchAll(/^Page\s+(\d+)\s+(MediaBox|BleedBox|TrimBox):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)/gm)) {
    const n = Number(m[1]) - 1;
    (pages[n] ??= {})[m[2]!] = [Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  }
  return pages;
}

/** Content streams (pages and form XObjects) of a PDF, uncompressed by qpdf. */
function contentStreams(file: string): string[] {
  const qdf = join(temp, `${Math.random().toString(36).slice(2)}.qdf.pdf`);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, qdf]);
  const text = readFileSync(qdf).toString('latin1');
  const streams: string[] = [];
  const page = /%% Contents for page \d+\n(?:%%[^\n]*\n)*\d+ 0 obj\n<<(?:(?!endobj)[\s\S])*?>>\nstream\n([\s\S]*?)endstream/g;
  const form = /\d+ 0 obj\n<<(?:(?!endobj)[\s\S])*?\/Subtype \/Form(?:(?!endobj)[\s\S])*?>>\nstream\n([\s\S]*?)endstream/g;
  for (const re of [page, form]) for (const m of text.matchAll(re)) streams.push(m[1]!);
  return streams;
}

describe('--print-ready seed build, read back with poppler and qpdf', () => {
  it('has MediaBox > BleedBox > TrimBox: trim 185×260 mm, bleed 3 mm, crop marks in the slug', () => {
    const pages = popplerBoxes(pdf);
    expect(pages.length).toBeGreaterThan(20);
    for (const p of pages) {
      const [media, bleed, trim] = [p.MediaBox!, p.BleedBox!, p.TrimBox!];
      expect((trim[2] - trim[0]) / PT_PER_MM).toBeCloseTo(185, 1);
      expect((trim[3] - trim[1]) / PT_PER_MM).toBeCloseTo(260, 1);
      for (let side = 0; side < 2; side++) {
        expect((trim[side]! - bleed[side]!) / PT_PER_MM).toBeCloseTo(3, 1);
        expect((bleed[side + 2]! - trim[side + 2]!) / PT_PER_MM).toBeCloseTo(3, 1);
        expect((bleed[side]! - media[side]!) / PT_PER_MM).toBeCloseTo(SLUG_MM, 1);
        expect((media[side + 2]! - bleed[side + 2]!) / PT_PER_MM).toBeCloseTo(SLUG_MM, 1);
      }
    }
  });

  it('has an even page count, the blank page added at the end stated in the build', () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    expect(pages % 2).toBe(0);
    const laidOut = build.pageMap.pageCount;
    expect(pages).toBe(laidOut + (laidOut % 2));
    if (laidOut % 2) expect(build.report.warnings.join('\n')).toContain('书末补 1 页空白页');
  });

  it('has no RGB colour operator in any content stream; black is DeviceGray', () => {
    const streams = contentStreams(pdf);
    expect(streams.length).toBeGreaterThan(20);
    const ops = (re: RegExp) => streams.reduce((n, s) => n + (s.match(re)?.length ?? 0), 0);
    expect(ops(/(^|\s)(rg|RG|k|K|sc|scn|SC|SCN|cs|CS)(?=\s)/g)).toBe(0);
    expect(ops(/(^|\s)0 g(?=\s)/g)).toBeGreaterThan(20);
    // …and the ordinary build (not press-ready) is RGB: the test can tell.
    expect(contentStreams(join(seedOut, 'book.pdf')).some((s) => /\s0 0 0 rg\s/.test(s))).toBe(true);
  });

  it('has a PDF/X OutputIntent with a gray ICC profile and claims PDF/X-4', () => {
    // qpdf JSON v1: objects by "N 0 R"; a stream is its dictionary; strings decoded.
    const objects: Record<string, Record<string, unknown>> = JSON.parse(
      execFileSync('qpdf', ['--json=1', '--json-key=objects', pdf], { encoding: 'utf8', maxBuffer: 1 << 28 }),
    ).objects;
    const deref = (v: unknown) => (typeof v === 'string' && / 0 R$/.test(v) ? objects[v] : v) as Record<string, unknown>;
    const trailer = objects.trailer!;
    const catalog = deref(trailer['/Root']);
    const intents = deref(catalog['/OutputIntents']) as unknown as unknown[];
    expect(intents).toHaveLength(1);
    const intent = deref(intents[0]);
    expect(intent['/S']).toBe('/GTS_PDFX');
    expect(deref(intent['/DestOutputProfile'])['/N']).toBe(1);
    expect(deref(trailer['/Info'])['/GTS_PDFXVersion']).toBe('PDF/X-4');
    expect(catalog['/Metadata']).toBeDefined();
  });

  it('passes the preflight, which fails the ordinary build', async () => {
    const press = await preflight(pdf);
    expect(press.problems).toEqual([]);
    expect(press.fonts.map((f) => f.name)).toContain('NotoSerifSC-Regular');
    expect(press.standard.pdfx).toBe('PDF/X-4');
    const plain = await preflight(join(seedOut, 'book.pdf'));
    expect(plain.problems.join('\n')).toMatch(/RGB/);
    expect(plain.problems.join('\n')).toMatch(/OutputIntent/);
  });
});

describe('gray content streams', () => {
  it('rewrites RGB and CMYK colours to gray, leaves strings and other operators alone', () => {
    expect(grayContent('0 0 0 RG 0 0 0 rg\n/G3 gs').content).toBe('0 G 0 g\n/G3 gs');
    expect(grayContent('1 1 1 rg 75 6972 532 1 re f').content).toBe('1 g 75 6972 532 1 re f');
    expect(grayContent('1 0 0 rg').content).toBe('0.299 g');
    expect(grayContent('0 0 0 1 k').content).toBe('0 g');
    const text = 'BT (0 0 0 rg) Tj <0072 0067> Tj ET';
    expect(grayContent(text)).toEqual({ content: text, converted: 0, unconverted: 0 });
    expect(grayContent('/CS0 cs 0.5 sc').unconverted).toBe(2);
  });
});

describe('preflight: image resolution and colour', () => {
  /** A PNG of w×h pixels, 8-bit RGB (colour type 2), all mid-grey. */
  function png(w: number, h: number): Uint8Array {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const crc = (b: Buffer) => {
      let c = 0xffffffff;
      for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const sum = Buffer.alloc(4);
      sum.writeUInt32BE(crc(body));
      return Buffer.concat([len, body, sum]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const raw = Buffer.alloc((w * 3 + 1) * h, 0x80);
    for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }

  it('reports an RGB image and its resolution as printed, and a low one as a problem', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    const image = await doc.embedPng(png(100, 50));
    page.drawImage(image, { x: 10, y: 10, width: 72, height: 36 }); // 100 px over 1 inch: 100 ppi
    const file = join(temp, 'image.pdf');
    writeFileSync(file, await doc.save());
    const report = await preflight(file);
    expect(report.images).toEqual([{ width: 100, height: 50, colourSpace: 'DeviceRGB', bitsPerComponent: 8, ppi: 100 }]);
    expect(report.problems.join('\n')).toMatch(/100 ppi/);
    expect(report.problems.join('\n')).toMatch(/DeviceRGB/);
    // press.ts turns it to gray, pixel size unchanged
    const gray = await PDFDocument.load(readFileSync(file));
    expect(convertToGray(gray)).toMatchObject({ imagesConverted: 1, imagesLeft: 0 });
    writeFileSync(file, await gray.save());
    const after = await preflight(file);
    expect(after.images).toEqual([{ width: 100, height: 50, colourSpace: 'DeviceGray', bitsPerComponent: 8, ppi: 100 }]);
    expect(after.problems.join('\n')).not.toMatch(/DeviceRGB/);
  });
});
