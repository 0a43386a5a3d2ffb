/**
 * 扉页 (title page) of the print edition, as hast: title, subtitle (the anniversary line),
 * genre, organisers by role, date. The page shows no folio (print.css).
 */
import type { Element } from 'hast';
import type { BookConfig } from '../pipeline/config/schema.ts';
import { h } from './print-hast.ts';

/** `2018-10` → `2018 年 10 月`; `2018-10-05` → `2018 年 10 月 5 日`. */
export function formatChineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y} 年 ${Number(m)} 月${d ? ` ${Number(d)} 日` : ''}`;
}

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
              h('dt', {}, [`${o.role}：`]),
              ...o.names.map((name) => h('dd', {}, [name])),
            ]),
          ),
        )
      : null,
    meta.date ? h('p', { className: ['book-date'] }, [formatChineseDate(meta.date)]) : null,
  ]);
}
