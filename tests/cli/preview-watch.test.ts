/**
 * Which folders `juan preview` watches (pipeline/preview/index.ts watchPlan): the manuscript's
 * folder with its image subfolders, but never the output or cache folders, even when they sit
 * inside the manuscript's folder — Node's recursive watch reads the whole tree again at every
 * file created in it, and a build creates hundreds there.
 */
import { mkdirSync, mkdtempSync, writeFileSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchPlan } from '../../pipeline/preview/index.ts';

function folder(): { root: string; out: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'juan-watch-'));
  for (const d of ['图/2018', 'dist/assets', 'cache/pdf', '.git', 'notes']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, '论文集.md'), '# 书\n');
  return { root, out: join(root, 'dist'), cache: join(root, 'cache') };
}

describe('the folders the preview watches', () => {
  it('watches a folder without the output or cache in it with its subfolders', () => {
    const { root } = folder();
    const elsewhere = mkdtempSync(join(tmpdir(), 'juan-out-'));
    expect(watchPlan([root], [join(elsewhere, 'dist'), join(elsewhere, 'cache')])).toEqual([{ dir: root, recursive: true }]);
  });

  it('watches a folder holding the output and cache flat, its other subfolders with theirs, and neither of those', () => {
    const { root, out, cache } = folder();
    const plan = watchPlan([root], [out, cache]);
    expect(plan).toHaveLength(3);
    expect(plan).toContainEqual({ dir: root, recursive: false });
    expect(plan).toContainEqual({ dir: join(root, 'notes'), recursive: true });
    expect(plan).toContainEqual({ dir: join(root, '图'), recursive: true }); // .git is not watched
    expect(plan.map((p) => p.dir)).not.toContain(out);
    expect(plan.map((p) => p.dir)).not.toContain(cache);
  });

  it('goes down to the folder that holds the cache when it is deeper', () => {
    const { root } = folder();
    const deep = join(root, 'notes', 'cache');
    mkdirSync(deep);
    mkdirSync(join(root, 'notes', 'drafts'));
    const plan = watchPlan([root], [deep]);
    expect(plan).toContainEqual({ dir: root, recursive: false });
    expect(plan).toContainEqual({ dir: join(root, 'notes'), recursive: false });
    expect(plan).toContainEqual({ dir: join(root, 'notes', 'drafts'), recursive: true });
    expect(plan).toContainEqual({ dir: join(root, '图'), recursive: true });
    expect(plan.map((p) => p.dir)).not.toContain(deep);
  });

  it('watches nothing inside the output folder, and each folder once', () => {
    const { root, out, cache } = folder();
    expect(watchPlan([join(out, 'assets')], [out, cache])).toEqual([]);
    expect(watchPlan([root, join(root, '图')], [join(tmpdir(), 'nowhere')])).toEqual([{ dir: root, recursive: true }]);
  });

  it('hears a saved image in a subfolder and the manuscript, not the files a build writes', async () => {
    const { root, out, cache } = folder();
    const heard: string[] = [];
    let got!: () => void;
    const done = new Promise<void>((resolve) => (got = resolve));
    const watchers = watchPlan([root], [out, cache]).map(({ dir, recursive }) =>
      watch(dir, { recursive }, (_e, name) => {
        heard.push(join(dir, String(name)));
        if (heard.includes(join(root, '论文集.md')) && heard.includes(join(root, '图', '2018', 'b.png'))) got();
      }),
    );
    try {
      // The build's files first, the editor's after: once the last is heard, the first would have been.
      for (let i = 0; i < 20; i++) writeFileSync(join(cache, 'pdf', `${i}.pdf`), 'x');
      writeFileSync(join(out, 'book.pdf'), 'x');
      writeFileSync(join(root, '论文集.md'), '# 书\n\n改\n');
      writeFileSync(join(root, '图', '2018', 'b.png'), 'x');
      await done;
      expect(heard.some((f) => f.startsWith(cache) || f.startsWith(out))).toBe(false);
    } finally {
      for (const w of watchers) w.close();
    }
  });
});
