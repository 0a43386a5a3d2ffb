/** Tiny hast builders for the print templates (title page, 目录, shell). */
import type { Element, ElementContent } from 'hast';

export type Child = ElementContent | string | null | undefined | false;

export function h(tagName: string, properties: Record<string, unknown> = {}, children: Child[] = []): Element {
  return {
    type: 'element',
    tagName,
    properties: properties as Element['properties'],
    children: children
      .filter((c): c is ElementContent | string => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'string' ? { type: 'text', value: c } : c)),
  };
}
