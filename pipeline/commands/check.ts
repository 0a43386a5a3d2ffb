/** `juan check`: prove the 目录 of DIR/book.pdf from the PDF alone (see pipeline/check). */
import { join, resolve } from 'node:path';
import { checkBook, type CheckReport } from '../check/index.ts';
import type { Callbacks } from './inputs.ts';

export async function runCheck(options: { out?: string; cwd?: string }, callbacks: Callbacks = {}): Promise<CheckReport> {
  const out = resolve(options.cwd ?? process.cwd(), options.out ?? 'dist');
  callbacks.onStage?.('check');
  return checkBook({
    pdf: join(out, 'book.pdf'),
    tocJson: join(out, 'toc.json'),
    markdown: join(out, 'manuscript.normalized.md'),
  });
}
