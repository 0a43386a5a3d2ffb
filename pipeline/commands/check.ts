/** `juan check`: prove the 目录 of DIR/book.pdf from the PDF alone (see pipeline/check). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JuanError } from '../report/errors.ts';
import { checkBook, type CheckReport } from '../check/index.ts';
import type { Callbacks } from './inputs.ts';

export async function runCheck(options: { out?: string; cwd?: string }, callbacks: Callbacks = {}): Promise<CheckReport> {
  const out = resolve(options.cwd ?? process.cwd(), options.out ?? 'dist');
  const paths = { pdf: join(out, 'book.pdf'), tocJson: join(out, 'toc.json'), markdown: join(out, 'manuscript.normalized.md') };
  // Missing inputs exit as for every command (usage, 2), tagged like the others.
  for (const path of Object.values(paths)) {
    if (!existsSync(path)) {
      throw new JuanError('usage', `找不到要核对的文件`, { file: path, source: 'input', hint: '先运行 juan build（或用 --out 指向构建的输出文件夹）' });
    }
  }
  callbacks.onStage?.('check');
  return checkBook(paths);
}
