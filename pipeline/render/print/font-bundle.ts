/**
 * The layout tabs' fonts in one request. A tab loads every face before its first page; declared
 * as @font-face rules, each face was a request of its own, and the minimized tabs' requests went
 * one after another (~8 ms each on a busy machine: ~26 faces, 0.2–0.3 s before a tab's first
 * page). So the faces' files are served as one bundle, which the tab fetches once and turns into
 * FontFace objects (paged-handlers.js `juan.setFonts`); the rest of the CSS is set as it was.
 * print.html keeps its @font-face rules (document.ts): only the tabs load fonts this way.
 */
import type { Served } from './server.ts';

/** The URL path of the bundle on the book server. */
export const FONT_BUNDLE_PATH = '/_juan/fonts.bin';

/** A face whose file is bytes [from, to) of the bundle, with its @font-face descriptors. */
export interface BundledFace {
  family: string;
  descriptors: { style?: string; weight?: string; unicodeRange?: string; display?: string };
  from: number;
  to: number;
}

/** What a tab is given: the CSS without the bundled faces, and the faces. */
export interface TabFonts {
  css: string;
  faces: BundledFace[];
  bundle: string;
}

const DESCRIPTORS: Record<string, keyof BundledFace['descriptors']> = {
  'font-style': 'style',
  'font-weight': 'weight',
  'unicode-range': 'unicodeRange',
  'font-display': 'display',
};

/**
 * Take out of `css` the @font-face rules whose one source is a file `files` serves, and bundle
 * those files (each once) under FONT_BUNDLE_PATH in `files`. A rule of another form (several
 * sources, local(), a descriptor FontFace has no option for) stays in the CSS.
 */
export function bundleFonts(css: string, files: Map<string, Served>): TabFonts {
  const faces: BundledFace[] = [];
  const parts: Uint8Array[] = [];
  const placed = new Map<string, { from: number; to: number }>();
  let size = 0;
  const rest = css.replace(/@font-face\s*\{([^}]*)\}/g, (rule, body: string) => {
    const face = parseFace(body);
    const served = face && files.get(face.url);
    if (!face || !served || !('data' in served)) return rule;
    let at = placed.get(face.url);
    if (!at) {
      const data = typeof served.data === 'string' ? new TextEncoder().encode(served.data) : served.data;
      at = { from: size, to: size + data.byteLength };
      parts.push(data);
      size = at.to;
      placed.set(face.url, at);
    }
    faces.push({ family: face.family, descriptors: face.descriptors, ...at });
    return '';
  });
  const data = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  files.set(FONT_BUNDLE_PATH, { type: 'application/octet-stream', data });
  return { css: rest, faces, bundle: FONT_BUNDLE_PATH };
}

function parseFace(body: string): { family: string; url: string; descriptors: BundledFace['descriptors'] } | null {
  let family = '';
  let url = '';
  const descriptors: BundledFace['descriptors'] = {};
  for (const declaration of body.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) {
      if (declaration.trim()) return null;
      continue;
    }
    const name = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (name === 'font-family') family = value.replace(/^(['"])(.*)\1$/, '$2');
    else if (name === 'src') {
      const sources = [...value.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)];
      if (sources.length !== 1 || /local\(/.test(value)) return null;
      url = sources[0]![2]!;
    } else if (DESCRIPTORS[name]) descriptors[DESCRIPTORS[name]] = value;
    else return null;
  }
  return family && url.startsWith('/') ? { family, url, descriptors } : null;
}
