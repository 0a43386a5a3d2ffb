/**
 * report.html's review writes every block a message falls in as the normalized manuscript writes
 * it. It does so for all blocks in one serialiser call (review.ts stringifyBlocks); each string
 * must be exactly what a call for that block alone gives — checked on every top-level block of the
 * seed, the bench volume (plain and with tables, figures, notes, math, code) and each real manuscript.
 */
import { readFileSync } from 'node:fs';
import type { RootContent } from 'mdast';
import { describe, expect, it } from 'vitest';
import { makeVolume } from '../../bench/make-volume.ts';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { projectPath } from '../../pipeline/paths.ts';
import { stringifyMarkdown } from '../../pipeline/render/markdown.ts';
import { stringifyBlocks } from '../../pipeline/render/report/review.ts';
import { fixtures, manuscriptOf } from '../normalize/real-corpus.ts';

const alone = (n: RootContent) => stringifyMarkdown({ type: 'root', children: [n] }).replace(/\n$/, '');

/** Every top-level block of the normalized tree whose stringified form differs between the batched and the single calls. */
function mismatches(path: string, text: string): string[] {
  const { tree } = normalizeManuscript({ path, text });
  const blocks = tree.children.filter((n) => n.type !== 'html' && n.type !== 'yaml');
  expect(blocks.length).toBeGreaterThan(10);
  const batched = stringifyBlocks(blocks);
  return blocks.filter((n) => batched.get(n) !== alone(n)).map((n) => alone(n).slice(0, 60));
}

describe('stringifyBlocks (report review)', () => {
  it('gives each block of the seed, the bench volumes and the real manuscripts exactly its own stringified form', () => {
    const seed = projectPath('manuscript', '论文集.md');
    expect(mismatches(seed, readFileSync(seed, 'utf8'))).toEqual([]);
    expect(mismatches('/bench/论文集.md', makeVolume({ scale: 1 }))).toEqual([]);
    expect(mismatches('/bench-content/论文集.md', makeVolume({ scale: 1, content: true }))).toEqual([]);
    for (const name of fixtures()) {
      const path = manuscriptOf(name);
      expect(mismatches(path, readFileSync(path, 'utf8')), name).toEqual([]);
    }
  });

  it('keeps blocks apart that one plain call would re-mark (the separator is needed)', () => {
    // built nodes (no source kept): written by the serialiser's own handlers
    const list = (text: string): RootContent => ({ type: 'list', ordered: false, spread: false, children: [{ type: 'listItem', spread: false, children: [{ type: 'paragraph', children: [{ type: 'text', value: text }] }] }] });
    const blocks: RootContent[] = [list('甲'), list('乙'), { type: 'paragraph', children: [{ type: 'text', value: '段落' }] }, list('丙')];
    // side by side in one call, the second list gets the other bullet (`* 乙`): not what it is alone
    const naive = stringifyMarkdown({ type: 'root', children: blocks }).replace(/\n$/, '').split('\n\n');
    expect(naive.slice(0, 2)).not.toEqual([alone(blocks[0]!), alone(blocks[1]!)]);
    const batched = stringifyBlocks(blocks);
    expect(blocks.map((n) => batched.get(n))).toEqual(['- 甲', '- 乙', '段落', '- 丙']);
    expect(blocks.map((n) => batched.get(n))).toEqual(blocks.map(alone));
    expect(stringifyBlocks([]).size).toBe(0);
  });
});
