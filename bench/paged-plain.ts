/**
 * Baselines for the benchmark, on the same print.html:
 *   chromium   Chromium's own print (no pagination polyfill): `chromium --print-to-pdf`
 *   paged      a plain single-document Paged.js render (polyfill injected, no juan handlers)
 * Each is run as its own process so its whole time (launch included) is measured.
 *
 *   npx tsx bench/paged-plain.ts DIST_DIR OUT.pdf
 */
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { BrowserSession } from '../pipeline/render/print/browser.ts';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.woff2': 'font/woff2', '.js': 'text/javascript', '.css': 'text/css' };

async function main(dist: string, out: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const polyfill = resolve(dirname(require.resolve('pagedjs')), '../dist/paged.polyfill.js');
  const root = resolve(dist);
  const server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const path = url === '/paged.polyfill.js' ? polyfill : normalize(join(root, url));
    if ((!path.startsWith(root) && path !== polyfill) || !existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  // Launched as juan's build launches it (same flags, a fresh temporary profile).
  const session = await BrowserSession.launch({ timeoutMs: 600_000 });
  const page = await session.browser.newPage();
  page.setDefaultTimeout(0);
  // The polyfill starts itself on DOMContentLoaded: inject it (after its config) before the page loads.
  // As a string: tsx would wrap a function with its __name helper, which the page does not have.
  await page.evaluateOnNewDocument('window.PagedConfig = { auto: true, after: () => { window.pagedDone = true; } };');
  await page.evaluateOnNewDocument(readFileSync(polyfill, 'utf8'));
  await page.goto(`http://127.0.0.1:${port}/print.html`);
  await page.waitForFunction('window.pagedDone === true', { timeout: 0, polling: 200 });
  await page.pdf({ path: out, preferCSSPageSize: true, printBackground: true, tagged: false }); // untagged, as juan prints
  await session.close();
  server.close();
}

await main(process.argv[2]!, process.argv[3]!);
