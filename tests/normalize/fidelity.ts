/**
 * Round-trip properties shared by the seed and real-fixture tests: every body paragraph no message points
 * at comes out of manuscript.normalized.md byte-identical to its source, and normalizing the normalized
 * manuscript again changes nothing.
 */
import type { RootContent } from 'mdast';
import type { VFile } from 'vfile';
import { normalizeManuscript, type NormalizeResult } from '../../pipeline/normalize/index.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import type { Paper } from '../../pipeline/model/types.ts';

const papersOf = (r: NormalizeResult): Paper[] => r.volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));

/** Source slices of the body paragraphs without a message in their lines, and those missing from `md`. */
export function untouchedParagraphs(result: NormalizeResult, original: string, md = volumeToMarkdown(result.volume)) {
  const lines = new Set(result.file.messages.map((m) => m.line));
  const checked: string[] = [];
  const missing: string[] = [];
  for (const paper of papersOf(result))
    for (const n of paper.body as RootContent[]) {
      if (n.type !== 'paragraph' || !n.position) continue;
      const { start, end } = n.position;
      let touched = false;
      for (let l = start.line; l <= end.line && !touched; l++) touched = lines.has(l);
      if (touched) continue;
      const raw = original.slice(start.offset, end.offset);
      checked.push(raw);
      if (!md.includes(raw)) missing.push(raw);
    }
  return { checked, missing };
}

/** normalize(normalize(x)) = normalize(x): the Markdown written from the re-read manuscript is the same. */
export function renormalize(result: NormalizeResult): { first: string; second: string; file: VFile } {
  const first = volumeToMarkdown(result.volume);
  const again = normalizeManuscript({ path: 'manuscript.normalized.md', text: first });
  return { first, second: volumeToMarkdown(again.volume), file: again.file };
}
