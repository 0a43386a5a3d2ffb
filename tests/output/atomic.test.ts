/** Publishing outputs (pipeline/output/atomic.ts): what stays, what goes. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishOutputs } from '../../pipeline/output/atomic.ts';

describe('publishOutputs', () => {
  it('replaces the folders it writes and leaves top-level files it does not know alone', () => {
    const out = mkdtempSync(join(tmpdir(), 'juan-publish-'));
    mkdirSync(join(out, 'assets', 'fonts'), { recursive: true });
    writeFileSync(join(out, 'assets', 'fonts', 'noto-serif-sc-100-400-normal.woff2'), 'old slice');
    writeFileSync(join(out, 'notes.txt'), 'the editor’s own file');
    writeFileSync(join(out, 'book.pdf'), 'old pdf');

    publishOutputs(out, [
      { path: 'book.pdf', data: 'new pdf' },
      { path: 'assets/fonts/noto-serif-sc-400.ttf', data: 'subset' },
    ]);

    expect(readFileSync(join(out, 'book.pdf'), 'utf8')).toBe('new pdf');
    expect(readdirSync(join(out, 'assets', 'fonts'))).toEqual(['noto-serif-sc-400.ttf']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('the editor’s own file');
    expect(readdirSync(out).filter((f) => f.startsWith('.juan'))).toEqual([]);
    expect(existsSync(join(out, 'assets', 'fonts', 'noto-serif-sc-100-400-normal.woff2'))).toBe(false);
  });
});
