/** The print layout's cache keys: what each depends on. */
import { describe, expect, it } from 'vitest';
import { frontKey, layoutKey, pdfName, placeKey } from '../../pipeline/render/print/cache-keys.ts';

const styles = { page: 'p', shared: 's', print: 'r' };

describe('cache keys', () => {
  it('a layout depends on the engine, the styles and the chunk HTML', () => {
    const k = layoutKey('engine', 'body', styles, 'chunk-css', '<p>a</p>');
    expect(layoutKey('engine', 'body', styles, 'chunk-css', '<p>a</p>')).toBe(k);
    expect(layoutKey('engine2', 'body', styles, 'chunk-css', '<p>a</p>')).not.toBe(k);
    expect(layoutKey('engine', 'body', { ...styles, print: 'r2' }, 'chunk-css', '<p>a</p>')).not.toBe(k);
    expect(layoutKey('engine', 'body', styles, 'chunk-css', '<p>b</p>')).not.toBe(k);
  });

  it('a chunk\'s pages are found by its layout and its first folio; the front matter by its 目录 labels', () => {
    expect(placeKey('L', 5)).not.toBe(placeKey('L', 7));
    expect(placeKey('L', 5)).toBe(placeKey('L', 5));
    expect(frontKey('F', { a: '1', b: '5' })).not.toBe(frontKey('F', { a: '1', b: '6' }));
    expect(pdfName(['a', 'b'], null, 10, [1, 5])).not.toBe(pdfName(['a', 'b'], null, 10, [1, 6]));
  });
});
