/**
 * Cold build of each real fixture (tests/fixtures/real) against Chromium's own print of the same
 * print.html (no pagination polyfill), like bench/run.ts does for the generated volume. One round:
 * the ratio is cold juan build seconds / chromium --print-to-pdf seconds, both whole processes.
 *
 *   npx tsx bench/fixtures.ts            prints a Markdown table: characters (Han) of the manuscript,
 *                                        pages, seconds, ratio, and the warnings by rule (report.json)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './process-tree.ts';
import { CHROMIUM_ARGS, findChromium } from '../pipeline/render/print/browser.ts';
import { fixtures, manuscriptOf } from '../tests/normalize/real-corpus.ts';

const ROOT = join(import.meta.dirname, '..');
const rows = [['fixture', 'Han characters', 'pages', 'juan build cold (s)', 'chromium print (s)', '× chromium', 'warnings by rule']];
for (const name of fixtures()) {
  const dir = mkdtempSync(join(tmpdir(), `juan-bench-${name}-`));
  const out = join(dir, 'dist');
  const build = await measure(process.execPath, [join(ROOT, 'bin', 'juan.js'), 'build', '--no-cache', '--manuscript', manuscriptOf(name), '--out', out, '--quiet'], { cwd: ROOT });
  if (build.code !== 0) throw new Error(`${name}: juan build exit ${build.code}`);
  const chromium = await measure(findChromium(), [...CHROMIUM_ARGS, `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${join(dir, 'chromium.pdf')}`, `file://${join(out, 'print.html')}`], {});
  if (chromium.code !== 0) throw new Error(`${name}: chromium exit ${chromium.code}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { pages: number; messages: Array<{ rule: string; severity: string }> };
  const byRule = new Map<string, number>();
  for (const m of report.messages) if (m.severity === 'warning') byRule.set(m.rule, (byRule.get(m.rule) ?? 0) + 1);
  const han = (readFileSync(manuscriptOf(name), 'utf8').match(/\p{Script=Han}/gu) ?? []).length;
  const warnings = [...byRule].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} ${n}`).join(', ') || '—';
  rows.push([name, String(han), String(report.pages), build.seconds.toFixed(1), chromium.seconds.toFixed(1), (build.seconds / chromium.seconds).toFixed(2), warnings]);
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.map((r) => `| ${r.join(' | ')} |`).join('\n'));
