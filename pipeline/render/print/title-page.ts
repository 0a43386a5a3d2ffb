/**
 * 扉页 (title page) of the print edition, as hast: title, subtitle (the anniversary line),
 * genre, organisers by role, publisher, date (the same facts and labels as the EPUB's title page). The page shows no folio (print.css).
 */
import type { Element } from 'hast';
import type { BookConfig } from '../../config/schema.ts';
import { chineseDate, organiserLabel } from '../book-text.ts';
import { h } from './hast.ts';

/**
 * The title with a break opportunity between its words only (print.css: keep-all): a long title
 * broke anywhere before, 「…2025 年国 / 民经济…」 on the communiqué's title page.
 */
function titleWords(title: string): Array<string | Element> {
  const words = [...new Intl.Segmenter('zh', { granularity: 'word' }).segment(title)].map((s) => s.segment);
  // between two Han words only: an element between 「2025」 and 「年」 would stop text-autospace's gap there
  const han = /\p{Script=Han}/u;
  return words.reduce<Array<string | Element>>((out, w, i) => {
    const prev = out[out.length - 1];
    if (i && typeof prev === 'string' && han.test(prev.slice(-1)) && han.test(w[0]!)) out.push(h('wbr', {}, []), w);
    else if (typeof prev === 'string') out[out.length - 1] = prev + w;
    else out.push(w);
    return out;
  }, []);
}

export function titlePage(meta: BookConfig): Element {
  return h('section', { className: ['title-page'], id: 'title-page' }, [
    h('div', { className: ['title-block'] }, [
      h('h1', { className: ['book-title'] }, titleWords(meta.title)),
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
