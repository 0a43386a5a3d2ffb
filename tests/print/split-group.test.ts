/** Cutting a group run (several papers in one Paged.js flow) back into each paper's own layout. */
import { describe, expect, it } from 'vitest';
import { splitGroup } from '../../pipeline/render/print/folios.ts';
import type { ChunkLayout, LocalPage } from '../../pipeline/render/print/protocol.ts';
import { JuanError } from '../../pipeline/report/errors.ts';

const page = (n: number, member: number, blockId: string | null): LocalPage => ({
  page: n, member, folio: String(n), printed: true, section: 'body', blank: false, start: blockId ? { blockId, offset: 0 } : null,
});

describe('splitGroup', () => {
  it('gives each member its pages and targets numbered from 1, as if laid out alone', () => {
    const group: ChunkLayout = {
      pages: [page(1, 0, 'a-b1'), page(2, 0, 'a-b5'), page(3, 1, 'b-b1'), page(4, 1, 'b-b7'), page(5, 1, 'b-b9')],
      targets: { a: { page: 1, folio: '1' }, b: { page: 3, folio: '3' }, 'b-sec': { page: 4, folio: '4' } },
    };
    const [a, b] = splitGroup(group, 2);
    expect(a!.pages.map((p) => [p.page, p.folio, p.start?.blockId])).toEqual([[1, '1', 'a-b1'], [2, '2', 'a-b5']]);
    expect(b!.pages.map((p) => [p.page, p.folio, p.start?.blockId])).toEqual([[1, '1', 'b-b1'], [2, '2', 'b-b7'], [3, '3', 'b-b9']]);
    expect(b!.pages.every((p) => !('member' in p))).toBe(true);
    expect(a!.targets).toEqual({ a: { page: 1, folio: '1' } });
    expect(b!.targets).toEqual({ b: { page: 1, folio: '1' }, 'b-sec': { page: 2, folio: '2' } });
  });

  it('refuses a group in which a member got no page', () => {
    const group: ChunkLayout = { pages: [page(1, 0, 'a-b1'), page(2, 2, 'c-b1')], targets: {} };
    expect(() => splitGroup(group, 3)).toThrow(JuanError);
  });
});
