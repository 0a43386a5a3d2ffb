/**
 * The layout-quality counts (layout-quality.ts) of built books, for the issue note and by hand:
 *   npx tsx tests/print/layout-quality-count.ts DIR…   (each DIR holds book.pdf and print.html)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countFindings, layoutFindings } from './layout-quality.ts';

for (const dir of process.argv.slice(2)) {
  const report = await layoutFindings(new Uint8Array(readFileSync(join(dir, 'book.pdf'))), readFileSync(join(dir, 'print.html'), 'utf8'));
  console.log(dir, JSON.stringify({ ...countFindings(report.findings), headings: report.headings, paragraphEnds: report.paragraphEnds }));
  for (const f of report.findings) console.log(`  p${f.page} ${f.kind}: ${f.text}`);
}
