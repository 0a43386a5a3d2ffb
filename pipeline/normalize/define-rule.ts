/**
 * defineRule: turns a normalization rule `(tree, file, ctx) => void` into a unified plugin.
 * Every message the rule adds through `ctx` carries `ruleId` (= the rule's id = its file name)
 * and `source: 'juan'`. Severity follows the conventions: a certain fix is `info`,
 * a doubt a person must look at is a `warning`; stopping the build is a thrown JuanError.
 */
import type { Root, Nodes } from 'mdast';
import type { Plugin } from 'unified';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { BookConfig } from '../config/schema.ts';
import { disabledAt } from './control.ts';
import { pointAt, type Place } from './text.ts';
import { withoutStack } from '../report/errors.ts';

export interface RuleContext {
  /** A certain fix that was applied. */
  info(reason: string, place?: Place): VFileMessage;
  /** A doubt an editor should look at. */
  warn(reason: string, place?: Place): VFileMessage;
  /** Turn (node, index in its text) into a place in the original file. */
  at(node: Nodes, index?: number): Place;
  /**
   * May the rule change the text at these places? False inside a `juan-disable` range or on the line
   * after a `juan-disable-next-line` (control.ts); the change not made is counted for the report.
   */
  allowed(...places: Place[]): boolean;
  config?: Partial<BookConfig>;
}

export interface RuleMeta {
  id: string;
  url?: string;
}

export type RuleFn = (tree: Root, file: VFile, ctx: RuleContext) => void;

export interface RuleOptions {
  config?: Partial<BookConfig>;
}

export interface Rule {
  id: string;
  plugin: Plugin<[RuleOptions?], Root>;
}

export interface RuleExamples {
  ok: string[];
  notOk: Array<{ in: string; out?: string; messages?: string[] }>;
}

export { withoutStack };

export function defineRule(meta: RuleMeta, fn: RuleFn): Rule {
  const plugin: Plugin<[RuleOptions?], Root> = function (options?: RuleOptions) {
    return (tree: Root, file: VFile) => {
      const make = (reason: string, place: Place | undefined, fatal: boolean | undefined) => {
        const message = withoutStack(() => file.message(reason, { place, ruleId: meta.id, source: 'juan' }));
        message.fatal = fatal;
        if (meta.url) message.url = meta.url;
        return message;
      };
      const ctx: RuleContext = {
        info: (reason, place) => make(reason, place, undefined),
        warn: (reason, place) => make(reason, place, false),
        at: (node, index) => pointAt(file, node, index),
        allowed: (...places) => {
          if (!disabledAt(file, meta.id, places)) return true;
          const counts = file.data.juanControl!.suppressed;
          counts[meta.id] = (counts[meta.id] ?? 0) + 1;
          return false;
        },
        config: options?.config,
      };
      fn(tree, file, ctx);
    };
  };
  Object.defineProperty(plugin, 'name', { value: meta.id });
  return { id: meta.id, plugin };
}
