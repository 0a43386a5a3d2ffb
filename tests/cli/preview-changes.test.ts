/**
 * Which pages the preview tells the open page to look at (pipeline/preview/index.ts): the range
 * of pages whose PDF content differs between two builds.
 */
import { describe, expect, it } from 'vitest';
import { changedRange, firstChangedPage } from '../../pipeline/preview/index.ts';

describe('changed pages between two builds', () => {
  it('is the span of pages whose fingerprints differ', () => {
    expect(changedRange(['a', 'b', 'c', 'd', 'e'], ['a', 'B', 'c', 'D', 'e'])).toEqual({ first: 2, last: 4 });
    expect(changedRange(['a', 'b', 'c'], ['a', 'b', 'C'])).toEqual({ first: 3, last: 3 });
    expect(firstChangedPage(['a', 'b', 'c'], ['a', 'b', 'C'])).toBe(3);
  });

  it('is null when no page changed', () => {
    expect(changedRange(['a', 'b'], ['a', 'b'])).toBeNull();
    expect(firstChangedPage(['a', 'b'], ['a', 'b'])).toBeNull();
  });

  it('runs to the end when the page count changed (the pages after the edit moved)', () => {
    expect(changedRange(['a', 'b', 'c', 'd'], ['a', 'B', 'b2', 'c', 'd'])).toEqual({ first: 2, last: 5 });
    expect(changedRange(['a', 'b', 'c', 'd'], ['a', 'b', 'c'])).toEqual({ first: 3, last: 3 }); // only the end taken off
  });
});
