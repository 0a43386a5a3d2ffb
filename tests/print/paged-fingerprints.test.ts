/**
 * The fingerprints paged-handlers.js checks before replacing a Paged.js method are those of the
 * methods in the installed (pinned) pagedjs, computed here independently from its source text;
 * a method changed by one character has another fingerprint, so the replacement would be skipped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../pipeline/render/print/prelude.ts';
import { packageVersion } from '../../pipeline/render/print/cache-keys.ts';

const require = createRequire(import.meta.url);
const PAGED = readFileSync(path.resolve(path.dirname(require.resolve('pagedjs')), '../dist/paged.js'), 'utf8');
const HANDLER_SOURCE = readFileSync(HANDLERS, 'utf8');

/** FNV-1a over UTF-16 code units, as paged-handlers.js `internals.fingerprint`. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A class method's source as Function.prototype.toString gives it: from its name to its closing brace. */
function methodSource(className: string, name: string): string {
  const cls = Math.max(PAGED.indexOf(`\tclass ${className} {`), PAGED.indexOf(`\tclass ${className} extends Handler {`));
  expect(cls, `class ${className}`).toBeGreaterThan(0);
  const plain = PAGED.indexOf(`\n\t\t${name}(`, cls);
  const async = PAGED.indexOf(`\n\t\tasync ${name}(`, cls);
  const start = (async >= 0 && (plain < 0 || async < plain) ? async : plain) + 3;
  const end = PAGED.indexOf('\n\t\t}', start) + 4;
  return PAGED.slice(start, end);
}

/** A class's source as Function.prototype.toString gives it. */
function classSource(className: string): string {
  const start = PAGED.indexOf(`\tclass ${className} {`) + 1;
  expect(start, `class ${className}`).toBeGreaterThan(0);
  return PAGED.slice(start, PAGED.indexOf('\n\t}\n', start) + 3);
}

const OWNER: Record<string, string> = { addListeners: 'Page', create: 'Page', layout: 'Page', textBreak: 'Layout', removeOverflow: 'Layout', hyphenateAtBreak: 'Layout', finalizePage: 'AtPage' };

describe('Paged.js method fingerprints', () => {
  const calls = [...HANDLER_SOURCE.matchAll(/internals\.replaceMethod\(\w+(?:\.\w+)?, '(\w+)', \w+, '([0-9a-f]{8})'\)/g)].map((m) => ({ name: m[1]!, fingerprint: m[2]! }));

  it('every method replacement is fingerprinted', () => {
    expect(calls.map((c) => c.name).sort()).toEqual(Object.keys(OWNER).sort());
  });

  it('match the installed pagedjs, which is pinned to the version the copies mirror', () => {
    expect(packageVersion('pagedjs')).toBe('0.4.3');
    expect(packageVersion('puppeteer-core')).toMatch(/^24\./);
    const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.dependencies.pagedjs).toBe('0.4.3');
    for (const { name, fingerprint } of calls) expect(fnv(methodSource(OWNER[name]!, name)), name).toBe(fingerprint);
    // the Layout class whose constructor Page.layout's replacement inlines
    const layoutClass = /internals\.fingerprint\(found\) === '([0-9a-f]{8})'/.exec(HANDLER_SOURCE)?.[1];
    expect(fnv(classSource('Layout')), 'Layout').toBe(layoutClass);
  });

  it('differ for a method changed by one character', () => {
    for (const { name, fingerprint } of calls) {
      const changed = methodSource(OWNER[name]!, name).replace(/}$/, ' }');
      expect(fnv(changed), name).not.toBe(fingerprint);
    }
  });
});
