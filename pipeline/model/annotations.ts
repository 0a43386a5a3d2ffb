/**
 * What the reader (normalize/) leaves on the mdast tree for the model builder (build-volume.ts):
 * node roles and places. Both stages read it; it lives with the model so that the model imports
 * nothing from the normalizer (normalize/ depends on model/, never the reverse).
 */
import type { Nodes } from 'mdast';
import { toString } from 'mdast-util-to-string';

export interface Point { line: number; column: number; offset?: number }
export type Place = Point | { start: Point; end: Point };

export type Role =
  | 'front' | 'toc' | 'part' | 'chapter'
  | 'paper-title' | 'paper-subtitle' | 'paper-unit' | 'section';

export interface JuanData {
  role?: Role;
  /** Section level relative to the paper (1 = 一、 … 4 = （1）). */
  level?: number;
  /** For every character of a text node's value (and one past the end): its offset in the source. */
  map?: number[];
}

export function juan(node: Nodes): JuanData {
  const data = ((node as { data?: Record<string, unknown> }).data ??= {});
  return ((data.juan as JuanData | undefined) ??= {});
}
export const roleOf = (node: Nodes): Role | undefined =>
  ((node as { data?: { juan?: JuanData } }).data?.juan?.role);

export const plain = (node: Nodes): string => toString(node);

/** A paragraph (or line) that ends a sentence. */
export const FINAL = /[。！？…”」』）》：；!?.]\s*$/;
