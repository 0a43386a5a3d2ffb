/**
 * What the EPUB writer needs from paper content: figures' images as package files (the shared
 * HTML carries them as data: URIs) and whether a document has MathML (manifest `mathml`).
 */
import { createHash } from 'node:crypto';
import type { Element, Root } from 'hast';

export interface PackagedImage { path: string; data: Uint8Array; mediaType: string }

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' };

/** Move every data: image of `tree` into `images/<hash>.<ext>` (same image, same file). */
export function packageImages(tree: Root | Element): PackagedImage[] {
  const out: PackagedImage[] = [];
  const visit = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const src = child.properties?.src;
      const m = child.tagName === 'img' && typeof src === 'string' ? /^data:([\w/+.-]+);base64,(.*)$/s.exec(src) : null;
      if (m && EXT[m[1]!]) {
        const data = Buffer.from(m[2]!, 'base64');
        const path = `images/${createHash('sha1').update(data).digest('hex').slice(0, 12)}.${EXT[m[1]!]}`;
        child.properties = { ...child.properties, src: path };
        out.push({ path, data, mediaType: m[1]! });
      }
      visit(child);
    }
  };
  visit(tree);
  return out;
}

export function hasMathml(xhtml: string): boolean {
  return /<math[\s>]/.test(xhtml);
}
