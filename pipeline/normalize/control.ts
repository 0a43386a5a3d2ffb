/**
 * Editor overrides, the remark-lint way (the conventions of unified-message-control / remark-message-control,
 * with `juan-` in place of `lint `): HTML comments in the manuscript
 *
 *   <!-- juan-disable rule-id … -->            from here to the matching enable (or the end of the file)
 *   <!-- juan-enable rule-id … -->
 *   <!-- juan-disable-next-line rule-id … -->  only the line after the comment
 *
 * No rule id = every rule. Unlike a linter, a normalizer must not make the change at all (filtering its
 * message afterwards would leave the text changed), so rules ask `ctx.allowed(place)` before each change;
 * what was not done is counted per rule for the report. The comments never reach the PDF or EPUB
 * (raw HTML is never rendered) and stay in the normalized manuscript.
 * Per book, `normalize: { rules: { rule-id: off } }` in book.yaml leaves a rule out of the preset.
 */
import type { Html, Nodes, Root } from 'mdast';
import type { VFile } from 'vfile';
import type { Place } from './text.ts';

interface Range { rule: string | null; from: number; to: number; except?: string[] }

export interface ControlData {
  ranges: Range[];
  /** Changes a rule did not make because a directive switched it off there: rule id → count. */
  suppressed: Record<string, number>;
  /** Rules the book switched off in book.yaml. */
  off: string[];
}

declare module 'vfile' {
  interface DataMap {
    juanControl: ControlData;
  }
}

const DIRECTIVE = /^<!--\s*juan-(disable-next-line|disable|enable)((?:\s+[a-z0-9-]+)*)\s*-->$/;
/** Positions compare as line * K + column. */
const K = 1e6;
const key = (p: { line: number; column: number }) => p.line * K + p.column;

/** Read the directives of a freshly parsed tree (before any rule removes HTML). */
export function readControl(tree: Root, file: VFile, off: string[] = []): ControlData {
  const ranges: Range[] = [];
  // open `disable` ranges per rule id (null = all rules, with the rules enabled again inside it)
  const open = new Map<string | null, { from: number; except: string[] }>();
  const close = (id: string | null, to: number) => {
    const o = open.get(id);
    if (!o) return;
    ranges.push({ rule: id, from: o.from, to, except: o.except });
    open.delete(id);
  };
  const directive = (node: Html) => {
    const m = DIRECTIVE.exec(node.value.trim());
    if (!m || !node.position) return;
    const ids: Array<string | null> = m[2].trim() ? m[2].trim().split(/\s+/) : [null];
    const { start, end } = node.position;
    for (const id of ids) {
      if (m[1] === 'disable-next-line') {
        ranges.push({ rule: id, from: (end.line + 1) * K, to: (end.line + 2) * K - 1 });
      } else if (m[1] === 'disable') {
        if (id == null) { for (const r of [...open.keys()]) close(r, key(start)); open.set(null, { from: key(end), except: [] }); continue; }
        const all = open.get(null);
        if (all?.except.includes(id)) { close(null, key(start)); open.set(null, { from: key(end), except: all.except.filter((x) => x !== id) }); }
        else if (!all && !open.has(id)) open.set(id, { from: key(end), except: [] });
      } else if (id == null) {
        for (const r of [...open.keys()]) close(r, key(start));
      } else {
        close(id, key(start));
        const all = open.get(null);
        if (all && !all.except.includes(id)) { close(null, key(start)); open.set(null, { from: key(end), except: [...all.except, id] }); }
      }
    }
  };
  const visit = (node: Nodes) => {
    if (node.type === 'html') directive(node);
    if ('children' in node) for (const c of node.children) visit(c as Nodes);
  };
  visit(tree);
  for (const r of [...open.keys()]) close(r, Infinity);
  const data: ControlData = { ranges, suppressed: {}, off };
  file.data.juanControl = data;
  return data;
}

function pointOf(place: Place): { line: number; column: number } {
  return 'start' in place ? place.start : place;
}

/** Is `rule` switched off at every one of `places`? (true as soon as one place is inside a disabled range) */
export function disabledAt(file: VFile, rule: string, places: Place[]): boolean {
  const data = file.data.juanControl;
  if (!data?.ranges.length) return false;
  return places.some((place) => {
    const k = key(pointOf(place));
    return data.ranges.some((r) => (r.rule == null || r.rule === rule) && k >= r.from && k <= r.to && !r.except?.includes(rule));
  });
}
