/**
 * Benchmark corpus generator: a deterministic full-size manuscript in the delivered format.
 * Every paper of the seed's 目录 gets a body assembled from the seed's own paragraphs, with the
 * same kinds of OCR damage (heading levels that ignore numbering, paragraphs cut at old page
 * breaks, half-width punctuation, bold run-in heads in two spellings). `--scale K` repeats the
 * 目录 K times (parts renamed 第五篇… so they stay distinct) for 600+ page volumes.
 * `--content`: every fifth paper also carries what research papers do (issue 15): a 三线表 (the
 * first one longer than a page), a figure (a PNG or an SVG from volumeFigures(), written beside
 * the manuscript), footnotes, math and a 参考文献 section.
 *
 *   npx tsx bench/make-volume.ts [--scale K] [--chars N] [--content] [--out FILE]
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';

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

/** Table subjects: a caption repeated in every paper would look like a running head to page-furniture. */
const SUBJECTS = ['规模以上工业企业主要指标', '高新技术企业主要指标', '服务业企业主要指标', '外贸企业主要指标', '农业龙头企业主要指标', '文化企业主要指标', '物流企业主要指标', '建筑业企业主要指标', '科技型中小企业主要指标', '商贸企业主要指标'];
const TOWNS = ['浒山街道', '白沙路街道', '古塘街道', '坎墩街道', '宗汉街道', '周巷镇', '新浦镇', '胜山镇', '横河镇', '匡堰镇', '逍林镇', '桥头镇', '观海卫镇', '掌起镇', '龙山镇'];

/** The figure files the content variant refers to, paths relative to the manuscript. */
export function volumeFigures(): Record<string, Uint8Array> {
  // 1600 px across the type area: about 290 dpi, no resolution warning
  return { '图/柱状图.png': barChartPng(1600, 900), '图/示意图.svg': Buffer.from(DIAGRAM_SVG) };
}

const DIAGRAM_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">' +
  '<rect x="1" y="1" width="398" height="198" fill="none" stroke="#000"/>' +
  '<circle cx="110" cy="100" r="70" fill="#bbb"/><circle cx="290" cy="100" r="70" fill="#777"/>' +
  '<path d="M180 100 H220" stroke="#000" stroke-width="3"/></svg>';

/** A grayscale bar chart as a PNG (8-bit gray, written by hand: no image library for one picture). */
function barChartPng(width: number, height: number): Uint8Array {
  const bars = [0.45, 0.7, 0.85, 0.55, 0.75];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1, 0xff); // filter byte 0, then white
    row[0] = 0;
    const base = height - 0.07 * height;
    const step = (width - 0.15 * width) / bars.length;
    for (let x = 0; x < width; x++) {
      const axis = Math.abs(x - 0.05 * width) < 2 || Math.abs(y - base) < 2;
      const bar = Math.floor((x - 0.1 * width) / step);
      const inBar = x >= 0.1 * width && (x - 0.1 * width) % step < step * 0.65 && bar < bars.length && y < base && y > base * (1 - bars[bar]!);
      if (axis) row[x + 1] = 0;
      else if (inBar) row[x + 1] = 0x55;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8 bit, grayscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * What a research paper carries besides prose: a table (`long`: longer than a page), a figure,
 * footnotes, math; the footnote definitions and the 参考文献 section come at the paper's end.
 */
function paperContent(k: number, long: boolean, paragraph: () => string): { body: string[]; end: string[] } {
  const rows = long ? 45 : 8;
  const table = ['| 镇（街道） | 企业数（家） | 产值（亿元） | 增长率（%） |', '|:---|---:|---:|---:|'];
  for (let r = 0; r < rows; r++) {
    const town = TOWNS[r % TOWNS.length]! + (r >= TOWNS.length ? `（${NUMERALS[Math.floor(r / TOWNS.length)]}期）` : '');
    table.push(`| ${town} | ${100 + 7 * r} | ${(3 + 0.13 * r).toFixed(2)} | ${(12.5 + ((r * 1.7) % 14)).toFixed(1)} |`);
  }
  const figure = k % 2 ? '![图1 产业协同示意图](图/示意图.svg)' : '![图1 各镇产值柱状图](图/柱状图.png)';
  return {
    body: [
      `表1列出了各镇（街道）的主要指标，图1给出了它们的对比[^1]。${paragraph()}`, '',
      `表1 各镇（街道）${SUBJECTS[k % SUBJECTS.length]}`, '', ...table, '',
      '注：增长率按可比价格计算。资料来源：统计年鉴（虚构）。', '',
      // String.raw: in a plain literal \b and \v are control characters (the formulas came out as 「eta_0」)
      String.raw`设产值为因变量，回归方程写作 $y = \beta_0 + \beta_1 x + \varepsilon$，其中 $\beta_1$ 为弹性系数，显著性水平 $\alpha = 0.05$[^2]。`, '',
      '$$', String.raw`\hat{y}_i = \beta_0 + \sum_{k=1}^{K} \beta_k x_{ik}`, '$$', '',
      figure, '',
      paragraph(), '',
    ],
    end: [
      '## 参考文献', '',
      '[1] 王明. 区域经济协同发展研究[M]. 北京: 样稿出版社, 2015: 12-18.',
      '[2] 李华, 张强. 县域产业集聚的测度与分析[J]. 经济样稿, 2016, 32(4): 45-52.',
      '[3] Smith J, Brown K. Regional cooperation and industrial clusters[J]. Journal of Sample Studies, 2014, 8(2): 101-119.', '',
      `[^1]: 分镇数据来自统计年鉴，全部为虚构数据，${paragraph().slice(0, 60)}`,
      '[^2]: 估计采用普通最小二乘法，标准误经异方差调整。', '',
    ],
  };
}

export function makeVolume(options: { scale?: number; charsPerPaper?: number; content?: boolean } = {}): string {
  const scale = options.scale ?? 1;
  const target = options.charsPerPaper ?? 5300;
  const seed = readSeed();
  const random = prng(0x88 * scale + target);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const { lines: tocLines, entries } = scaledToc(seed, scale);
  const out: string[] = [...seed.front, '# 目 录', ...tocLines];
  let contentPapers = 0;
  for (const [index, entry] of entries.entries()) {
    out.push(`# ${entry.title}`, '', entry.unit, '');
    // the content variant: every fifth paper; its prose is shortened by about what the content takes
    const content = options.content && index % 5 === 2 ? paperContent(contentPapers, contentPapers++ === 0, () => pick(seed.paragraphs)) : null;
    let chars = content ? target * 0.4 : 0;
    let section = 0;
    if (content) {
      out.push(`## 一、${pick(seed.sectionTitles)}`, '', ...content.body);
      section = 1;
    }
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
    if (content) out.push(...content.end);
  }
  return out.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, chars: { type: 'string', default: '5300' }, content: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const text = makeVolume({ scale: Number(values.scale), charsPerPaper: Number(values.chars), content: values.content });
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, text);
    if (values.content) {
      for (const [path, data] of Object.entries(volumeFigures())) {
        mkdirSync(dirname(join(dirname(values.out), path)), { recursive: true });
        writeFileSync(join(dirname(values.out), path), data);
      }
    }
  } else process.stdout.write(text);
}
