/** The print layout's cache keys: what each depends on. */
import { describe, expect, it } from 'vitest';
import { frontKey, furnitureKey, layoutKey, pdfName, placeKey } from '../../pipeline/render/print/cache-keys.ts';

const styles = { page: 'p', shared: 's', print: 'r' };

describe('cache keys', () => {
  it('a layout depends on the engine, the styles and the chunk HTML', () => {
    const k = layoutKey('engine', 'body', styles, 'chunk-css', '<p>a</p>');
    expect(layoutKey('engine', 'body', styles, 'chunk-css', '<p>a</p>')).toBe(k);
    expect(layoutKey('engine2', 'body', styles, 'chunk-css', '<p>a</p>')).not.toBe(k);
    expect(layoutKey('engine', 'body', { ...styles, print: 'r2' }, 'chunk-css', '<p>a</p>')).not.toBe(k);
    expect(layoutKey('engine', 'body', styles, 'chunk-css', '<p>b</p>')).not.toBe(k);
  });

  it('a chunk\'s bare pages are found by its layout alone; the front matter by its 目录 labels; the furniture by every page\'s', () => {
    expect(placeKey('L')).toBe(placeKey('L'));
    expect(placeKey('L')).not.toBe(placeKey('M'));
    expect(frontKey('F', { a: '1', b: '5' })).not.toBe(frontKey('F', { a: '1', b: '6' }));
    const pages = [{ side: 'r', folio: '1', head: null }, { side: 'l', folio: '2', head: '' }];
    expect(furnitureKey('B', pages)).toBe(furnitureKey('B', structuredClone(pages)));
    expect(furnitureKey('B', pages)).not.toBe(furnitureKey('B', [pages[0], { ...pages[1], folio: '3' }]));
    expect(furnitureKey('B', pages)).not.toBe(furnitureKey('B2', pages));
    expect(pdfName(['a', 'b'], null, 10, 'F1')).not.toBe(pdfName(['a', 'b'], null, 10, 'F2'));
    expect(pdfName(['a', 'b'], null, 10, null)).not.toBe(pdfName(['a', 'b'], null, 12, null));
  });
});
