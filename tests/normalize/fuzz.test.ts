/**
 * Property-based tests of the normalizer (fast-check): for random and mutated manuscripts it
 * never throws anything but a JuanError, is idempotent, and loses no text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { toString } from 'mdast-util-to-string';
import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { JuanError } from '../../pipeline/report/errors.ts';

// `npm test` replays one fixed seed, so that a red test run is reproducible and never a roll of the
// dice; `npm run fuzz` explores new cases (random seed, 20× the runs). fast-check prints the seed of
// a failure: JUAN_FUZZ_SEED=n replays it.
const fuzzSeed = process.env.JUAN_FUZZ_SEED ?? '20261130';
const scale = Number(process.env.JUAN_FUZZ_SCALE ?? 1);
if (fuzzSeed !== 'random') fc.configureGlobal({ seed: Number(fuzzSeed) });
const runs = (n: number) => Math.round(n * scale);

const seed = readFileSync(join(import.meta.dirname, '../../manuscript/论文集.md'), 'utf8');
const seedLines = seed.split('\n');
const BODY_START = seedLines.findIndex((l) => l.startsWith('# 以区域协同创新'));

const letters = (s: string) => (s.match(/[\p{Script=Han}0-9A-Za-z]/gu) ?? []).join('');
const bodyLetters = (v: Volume) =>
  letters(v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers.map((paper) => [paper.title, paper.subtitle ?? '', paper.unit ?? '', ...paper.body.map((n) => toString(n))].join('')))).join(''));

function normalizeOrJuanError(text: string) {
  try {
    return normalizeManuscript({ path: 'fuzz.md', text });
  } catch (error) {
    if (error instanceof JuanError) return null;
    throw error;
  }
}

/** Damage an OCR leaves without losing letters: what the rules must undo. */
const damage = fc.constantFrom(
  (l: string) => l.replace('，', ','),
  (l: string) => l.replace('：', ':'),
  (l: string) => l.replace(/^#+ /, (m) => (m.length > 2 ? '## ' : '#### ')),
  (l: string) => l.replace('。', '。\u200b'),
  (l: string) => l.replace(/^(.{20})/u, '$1\u00a0'),
  (l: string) => `${l}\r`,
  (l: string) => `\u3000\u3000${l}`,
  (l: string) => `\uFEFF${l}`,
  (l: string) => `${l}\n\n- 12 -\n`,
  (l: string) => `${l}\n— 13 —`,
  (l: string) => l,
);

/** A body line cut at an "old page break" in mid-sentence (the join rule's job). */
function cut(line: string, at: number): string[] {
  const chars = [...line];
  if (line.startsWith('#') || chars.length < 60) return [line];
  const i = 10 + (at % (chars.length - 20));
  if (/[。！？；：，、）」”]/.test(chars[i - 1]!)) return [line];
  return [chars.slice(0, i).join(''), '', chars.slice(i).join('')];
}

describe('normalizer properties', () => {
  it('never throws anything but a JuanError on random text', () => {
    const alphabet = fc.constantFrom(...'#*-（）(),.。，：:；;？?！!…—·\t \n\r\u00a0\u3000\u200b\uFEFF一二三四五六七八九十篇章目录论文高质量发展慈溪市1234567890abcXYZ'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 400 }).map((a) => a.join('')), (text) => {
        normalizeOrJuanError(text);
      }),
      { numRuns: runs(300) },
    );
  });

  it('on damaged copies of the seed: loses no letters of the bodies and is idempotent', () => {
    const clean = normalizeManuscript({ path: 'seed.md', text: seed });
    const expected = bodyLetters(clean.volume);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(damage, fc.nat()), { minLength: seedLines.length, maxLength: seedLines.length }),
        fc.array(fc.nat({ max: seedLines.length - 1 }), { maxLength: 6 }),
        fc.boolean(),
        (perLine, cutLines, bom) => {
          const cuts = new Set(cutLines.filter((i) => i > BODY_START));
          const lines = seedLines.flatMap((line, i) => {
            const [hurt, at] = perLine[i]!;
            const damaged = i > BODY_START ? hurt(line) : line;
            return cuts.has(i) ? cut(damaged, at) : [damaged];
          });
          const result = normalizeManuscript({ path: 'damaged.md', text: (bom ? '\uFEFF' : '') + lines.join('\n') });
          expect(bodyLetters(result.volume)).toBe(expected);
          const md = volumeToMarkdown(result.volume);
          const again = normalizeManuscript({ path: 'again.md', text: md });
          expect(volumeToMarkdown(again.volume)).toBe(md);
        },
      ),
      { numRuns: runs(25) },
    );
  });

  // inputs random seeds found not idempotent (a 目录 title repeated); kept so they stay fixed
  it.each([
    '# 目录\n正文一句。\n# 目录\n# 论文甲',
    '# 目录\n**(2) 要点。\u200b**内容。\n# 目录\n# 论文甲\n# 论文甲\n# 论文甲',
    '# 目录\n### （一）分述\n# 目录\n### （一）分述\n# 论文甲\n# 论文甲\n# 论文甲',
  ])('is idempotent on %j (found by fuzzing)', (text) => {
    const md = volumeToMarkdown(normalizeManuscript({ path: 'fuzz.md', text }).volume);
    expect(volumeToMarkdown(normalizeManuscript({ path: 'again.md', text: md }).volume)).toBe(md);
  });

  it('is idempotent on whatever random input yields a volume', () => {
    const paperish = fc
      .array(fc.constantFrom('# 论文甲', '# 论文乙', '单位', '## 一、总述', '### （一）分述', '正文一句，没有结束', '正文一句。', '**(1) 要点。**内容。', '- 12 -', '', '第3页', '市甲局', '——副标题', '# 目录', '论文甲\t市甲局\t(01)', '### 第一章 甲章', '正文:冒号', '(7) **要点。**内容。', '**(2) 要点。\u200b**内容。', '— 13 —'), { minLength: 3, maxLength: 30 })
      .map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(paperish, (text) => {
        const first = normalizeOrJuanError(text);
        if (!first) return;
        const md = volumeToMarkdown(first.volume);
        const again = normalizeManuscript({ path: 'again.md', text: md });
        expect(volumeToMarkdown(again.volume)).toBe(md);
      }),
      { numRuns: runs(150) },
    );
  });
});
