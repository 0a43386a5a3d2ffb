/**
 * volumeToToc: Volume (+ optional PageMap) → toc.json entries: 篇, 章 (implicit chapters have no
 * line), papers with subtitle and unit; `page` is the printed folio once the print build ran, else null.
 * Only delivered papers are listed: the missing ones are in report.json and the normalized front matter.
 */
import type { PageMap, TocEntry, Volume } from '../model/types.ts';

export function volumeToToc(volume: Volume, pageMap?: PageMap): TocEntry[] {
  const where = (id: string) => {
    const t = pageMap?.targets[id];
    return { page: t?.folio ?? null, pdfPage: t?.page ?? null };
  };
  const out: TocEntry[] = [];
  for (const part of volume.parts) {
    if (part.label) out.push({ kind: 'part', id: part.id, part: part.id, chapter: null, title: `${part.label} ${part.title}`.trim(), ...where(part.id) });
    for (const ch of part.chapters) {
      if (ch.label) out.push({ kind: 'chapter', id: ch.id, part: part.id, chapter: ch.id, title: `${ch.label} ${ch.title ?? ''}`.trim(), ...where(ch.id) });
      for (const p of ch.papers)
        out.push({ kind: 'paper', id: p.id, part: part.id, chapter: ch.label ? ch.id : null, title: p.title, subtitle: p.subtitle, unit: p.unit, ...where(p.id) });
    }
  }
  return out;
}
