/**
 * Benchmark corpus generator: a deterministic full-size manuscript in the delivered format.
 * Every paper of the seed's 目录 gets a body assembled from the seed's own paragraphs, with the
 * same kinds of OCR damage (heading levels that ignore numbering, paragraphs cut at old page
 * breaks, half-width punctuation, bold run-in heads in two spellings). `--scale K` repeats the
 * 目录 K times (parts renamed 第五篇… so they stay distinct) for 600+ page volumes.
 *
 *   npx tsx bench/make-volume.ts [--scale K] [--chars N] [--out FILE]
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const SEED = join(ROOT, 'manuscript', '论文集.md');
const NUMERALS = '一二三四五六七八九十';

/** mulberry32: small, seeded, deterministic. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chineseNumeral(n: number): string {
  if (n <= 10) return NUMERALS[n - 1]!;
  if (n < 20) return `十${NUMERALS[n - 11]}`;
  const tens = Math.floor(n / 10);
  return `${NUMERALS[tens - 1]}十${n % 10 ? NUMERALS[(n % 10) - 1] : ''}`;
}

interface Seed {
  front: string[];
  toc: string[];
  paragraphs: string[];
  sectionTitles: string[];
  runIns: string[];
}

function readSeed(): Seed {
  const lines = readFileSync(SEED, 'utf8').split('\n');
  const tocStart = lines.findIndex((l) => /^#\s*目\s*录/.test(l));
  const bodyStart = lines.findIndex((l, i) => i > tocStart && /^# /.test(l));
  const body = lines.slice(bodyStart);
  const paragraphs = body.filter((l) => l.length > 60 && !l.startsWith('#') && !l.startsWith('**') && !/^\(\d\)/.test(l));
  const sectionTitles = body
    .filter((l) => /^#{2,4}\s*[一二三四五六七八九十]+、/.test(l))
    .map((l) => l.replace(/^#+\s*[一二三四五六七八九十]+、/, ''));
  const runIns = body.filter((l) => /^\*\*[（(]/.test(l)).map((l) => l.replace(/^\*\*[（(][^)）]+[)）]\s*/, ''));
  return { front: lines.slice(0, tocStart), toc: lines.slice(tocStart + 1, bodyStart), paragraphs, sectionTitles, runIns };
}

interface Entry { title: string; unit: string }

/** The 目录 lines for `scale` copies, and the entries in order. */
function scaledToc(seed: Seed, scale: number): { lines: string[]; entries: Entry[] } {
  const lines: string[] = [];
  const entries: Entry[] = [];
  let partNo = 0;
  for (let copy = 0; copy < scale; copy++) {
    for (const line of seed.toc) {
      const part = /^##\s*第[一二三四五六七八九十]+篇\s*(.+)$/.exec(line);
      if (part) {
        partNo++;
        lines.push(`## 第${chineseNumeral(partNo)}篇 ${part[1]}${copy ? `（${chineseNumeral(copy + 1)}）` : ''}`);
        continue;
      }
      const entry = /^(.+?)(?:\s*[.…·]{2,}\s*|\t)\s*(.+?)\s*[\t ]?[(（]\d+[)）]\s*$/.exec(line);
      if (entry) {
        // The copy's mark goes on the title itself, before a ——subtitle: two papers with the same
        // title (and different subtitles) would be the same paper to a reader of the 目录 and to juan check.
        const base = entry[1]!.trim();
        const dash = base.search(/——|—/);
        const mark = copy ? `（${chineseNumeral(copy + 1)}）` : '';
        const title = dash > 0 ? base.slice(0, dash) + mark + base.slice(dash) : base + mark;
        entries.push({ title, unit: entry[2]!.trim() });
        lines.push(line.replace(entry[1]!.trim(), title));
        continue;
      }
      lines.push(line);
    }
  }
  return { lines, entries };
}

/** Cut a paragraph at an old page break: the rest continues as a new "paragraph". */
function cutAtPageBreak(text: string, at: number): [string, string] {
  const chars = [...text];
  return [chars.slice(0, at).join(''), chars.slice(at).join('')];
}

export function makeVolume(options: { scale?: number; charsPerPaper?: number } = {}): string {
  const scale = options.scale ?? 1;
  const target = options.charsPerPaper ?? 5300;
  const seed = readSeed();
  const random = prng(0x88 * scale + target);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const { lines: tocLines, entries } = scaledToc(seed, scale);
  const out: string[] = [...seed.front, '# 目 录', ...tocLines];
  for (const entry of entries) {
    out.push(`# ${entry.title}`, '', entry.unit, '');
    let chars = 0;
    let section = 0;
    while (chars < target) {
      if (chars === 0 || random() < 0.18) {
        section++;
        // OCR damage: the # count ignores the numbering.
        out.push(`${'#'.repeat(2 + Math.floor(random() * 3))} ${chineseNumeral(section)}、${pick(seed.sectionTitles)}`, '');
      }
      let paragraph = pick(seed.paragraphs);
      if (random() < 0.25) {
        const n = 1 + Math.floor(random() * 6);
        const head = pick(seed.runIns);
        paragraph = random() < 0.5 ? `**(${n}) ${head}` : `(${n}) **${head}`;
      }
      if (random() < 0.2) paragraph = paragraph.replace('，', ',');
      if (random() < 0.15 && [...paragraph].length > 80) {
        const [a, b] = cutAtPageBreak(paragraph, 30 + Math.floor(random() * 40));
        out.push(a, '', b, '');
      } else {
        out.push(paragraph, '');
      }
      chars += [...paragraph].length;
    }
  }
  return out.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, chars: { type: 'string', default: '5300' }, out: { type: 'string' } } });
  const text = makeVolume({ scale: Number(values.scale), charsPerPaper: Number(values.chars) });
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, text);
  } else process.stdout.write(text);
}
