/**
 * 扉页 (title page) of the print edition, as hast: title, subtitle (the anniversary line),
 * genre, organisers by role, publisher, date (the same facts and labels as the EPUB's title page). The page shows no folio (print.css).
 */
import type { Element } from 'hast';
import type { BookConfig } from '../../config/schema.ts';
import { chineseDate, organiserLabel } from '../book-text.ts';
import { h } from './hast.ts';

export function titlePage(meta: BookConfig): Element {
  return h('section', { className: ['title-page'], id: 'title-page' }, [
    h('div', { className: ['title-block'] }, [
      h('h1', { className: ['book-title'] }, [meta.title]),
      meta.subtitle ? h('p', { className: ['book-subtitle'] }, [meta.subtitle]) : null,
      meta.genre ? h('p', { className: ['book-genre'] }, [meta.genre]) : null,
    ]),
    meta.organisers.length
      ? h(
          'dl',
          { className: ['organisers'] },
          meta.organisers.map((o) =>
            h('div', { className: ['organiser'] }, [
              h('dt', {}, [organiserLabel(o.role)]),
              ...o.names.map((name) => h('dd', {}, [name])),
            ]),
          ),
        )
      : null,
    h('div', { className: ['book-imprint'] }, [
      meta.publisher ? h('p', { className: ['book-publisher'] }, [meta.publisher]) : null,
      meta.date ? h('p', { className: ['book-date'] }, [chineseDate(meta.date)]) : null,
    ]),
  ]);
}
