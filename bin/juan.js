#!/usr/bin/env node
/*
 * Launcher. Runs the CLI from a bundle of the TypeScript sources and the packages they use,
 * made by esbuild (~1 s) into .cache/juan-cli/<key>/ whenever the sources or the installed
 * packages change (the key is a hash of their paths, sizes and times); plain Node starts it
 * ~0.7 s faster than through tsx's loader, and one bundle instead of hundreds of package
 * modules saves another ~0.5 s at every start (measured on the full-size build) — which
 * matters for an editor rebuilding many times a day. Packages that find files next to their
 * own modules (wasm, workers) stay external: EXTERNAL. A bundle is written to a temporary
 * folder and renamed into place, so concurrent runs never read half of one. JUAN_TSX=1 runs
 * the sources through tsx instead; so does a failed bundle.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SOURCES = ['pipeline', 'templates', 'bin/stubs'];
/** Packages that load files relative to their own modules (harfbuzz's wasm, pdf.js's worker), or are never imported by the CLI (the font worker's, the tools). epub-gen-memory is bundled: its templates are ours (templates/epub/). */
const EXTERNAL = ['harfbuzzjs', 'fontverter', 'pdfjs-dist', 'pagedjs', 'esbuild', 'tsx'];
/**
 * Packages replaced by a stub (bin/stubs/): proxy-agent is imported by puppeteer-core's browser
 * downloader only, and brings ~1.7 MB of code (a JavaScript engine for PAC files, a JS parser,
 * FTP and SOCKS clients) that every start would parse (~0.2 s CPU) and never run; node-fetch by
 * epub-gen-memory's downloads, which juan replaces (render/epub/juan-epub.ts).
 */
const STUBS = { 'proxy-agent': path.join(root, 'bin', 'stubs', 'proxy-agent.js'), 'node-fetch': path.join(root, 'bin', 'stubs', 'node-fetch.js') };
/** The installed packages, as npm last wrote them, and this launcher (its bundle options). */
const INSTALLED = ['node_modules/.package-lock.json', 'package-lock.json', 'bin/juan.js'];

function sourceKey() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|js|mjs)$/.test(entry.name)) {
        const st = statSync(file);
        hash.update(`${path.relative(root, file)}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCES) walk(path.join(root, dir));
  for (const file of INSTALLED) {
    const st = existsSync(path.join(root, file)) ? statSync(path.join(root, file)) : null;
    hash.update(`${file}:${st ? `${st.size}:${st.mtimeMs}` : 'none'}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

async function bundledCli() {
  const base = path.join(root, '.cache', 'juan-cli');
  const key = sourceKey();
  const dir = path.join(base, key);
  if (!existsSync(path.join(dir, 'cli.js'))) {
    const { build } = await import('esbuild');
    const tmp = path.join(base, `.tmp-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    await build({
      // the EPUB writer's thread (render/epub/in-thread.ts) starts epub-thread.js from beside its own chunk
      entryPoints: [path.join(root, 'pipeline', 'cli.ts'), path.join(root, 'pipeline', 'render', 'epub', 'epub-thread.ts')],
      entryNames: '[name]',
      bundle: true,
      splitting: true, // keeps per-command imports lazy (pdfjs, the browser driver)
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      alias: STUBS,
      // CommonJS packages in an ES module bundle call require() for Node's built-ins.
      banner: { js: "import { createRequire as __juanRequire } from 'node:module'; const require = __juanRequire(import.meta.url);" },
      outdir: tmp,
      logLevel: 'silent',
    });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run put the same bundle in place
    }
    // Older bundles are of no use any more (kept an hour: a run started from one may still load its chunks).
    for (const old of readdirSync(base)) {
      const file = path.join(base, old);
      if (old !== key && Date.now() - statSync(file).mtimeMs > 3600_000) rmSync(file, { recursive: true, force: true });
    }
  }
  return pathToFileURL(path.join(dir, 'cli.js')).href;
}

/*
 * V8 optimizes a function with TurboFan, on background threads, once it has run some bytecode
 * (the interrupt budget, 67 584 by default). A build is one short run through code that mostly
 * runs a few times, so those compilations cost more than they save: on the 1× bench volume
 * they were ~0.8 CPU-s of a cold build's 3.1 Node CPU-s, on two cores shared with Chromium.
 * With an 8× budget only the really hot code is optimized: cold build Node CPU 3.1 → 2.5 s,
 * wall 4.3–4.6 → 4.0–4.2 s; page-add rebuild Node 2.0 → 1.6 s, wall 1.9–2.0 → 1.7–1.8 s;
 * 3× volume cold Node 5.0 → 4.2 s (alternating runs, /proc sampling). Process-wide: the
 * EPUB and font threads too. JUAN_V8_BUDGET overrides it (for measuring). Any changed V8 flag
 * also makes Node reject the code cache of its own built-in modules (a worker thread's start
 * 35 → 75 ms): that cost is inside the numbers above.
 */
setFlagsFromString(`--interrupt-budget=${Number(process.env.JUAN_V8_BUDGET) || 540_000}`);

let entry = null;
if (!process.env.JUAN_TSX) {
  try {
    entry = await bundledCli();
  } catch {
    entry = null;
  }
}
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../pipeline/cli.ts');
}
