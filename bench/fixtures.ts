/**
 * Cold build of each real fixture (tests/fixtures/real) against Chromium's own print of the same
 * print.html (no pagination polyfill), like bench/run.ts does for the generated volume. One round:
 * the ratio is cold juan build seconds / chromium --print-to-pdf seconds, both whole processes.
 *
 *   npx tsx bench/fixtures.ts            prints a Markdown table
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './process-tree.ts';
import { CHROMIUM_ARGS, findChromium } from '../pipeline/render/print/browser.ts';
import { fixtures, manuscriptOf } from '../tests/normalize/real-corpus.ts';

const ROOT = join(import.meta.dirname, '..');
const rows = [['fixture', 'juan build cold (s)', 'chromium print (s)', '× chromium']];
for (const name of fixtures()) {
  const dir = mkdtempSync(join(tmpdir(), `juan-bench-${name}-`));
  const out = join(dir, 'dist');
  const build = await measure(process.execPath, [join(ROOT, 'bin', 'juan.js'), 'build', '--no-cache', '--manuscript', manuscriptOf(name), '--out', out, '--quiet'], { cwd: ROOT });
  if (build.code !== 0) throw new Error(`${name}: juan build exit ${build.code}`);
  const chromium = await measure(findChromium(), [...CHROMIUM_ARGS, `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${join(dir, 'chromium.pdf')}`, `file://${join(out, 'print.html')}`], {});
  if (chromium.code !== 0) throw new Error(`${name}: chromium exit ${chromium.code}`);
  rows.push([name, build.seconds.toFixed(1), chromium.seconds.toFixed(1), (build.seconds / chromium.seconds).toFixed(2)]);
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.map((r) => `| ${r.join(' | ')} |`).join('\n'));
