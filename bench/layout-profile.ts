/**
 * Summarise a Chrome trace of the layout tabs (JUAN_PROFILE_LAYOUT=dir juan build …, see
 * print/browser.ts): per renderer main thread, the time in style recalcs, layouts, paints,
 * script and GC; JS self time by function (from the sampled profile); and the forced style
 * recalcs and layouts by the JS function that forced them. Times are thread CPU (tdur).
 *
 *   npx tsx bench/layout-profile.ts dir/layout-….json [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
const top = Number(values.top);
const raw = JSON.parse(readFileSync(positionals[0]!, 'utf8'));
const events: TraceEvent[] = Array.isArray(raw) ? raw : raw.traceEvents;

interface TraceEvent {
  pid: number; tid: number; name: string; ph: string; ts: number; dur?: number; id?: string; cat?: string;
  args?: Record<string, any>;
}

const threadName = new Map<string, string>();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name);
const isMain = (e: TraceEvent) => threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain';

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
// Times are thread CPU (tdur), which a loaded machine disturbs far less than wall time (dur).
const cpu = (e: TraceEvent) => ((e as { tdur?: number }).tdur ?? 0) / 1000;
const byThread = new Map<string, TraceEvent[]>();
for (const e of events) {
  if (e.ph !== 'X' || e.dur == null) continue;
  const k = `${e.pid}:${e.tid}`;
  (byThread.get(k) ?? byThread.set(k, []).get(k)!).push(e);
}
const processName = new Map<number, string>();
for (const e of events) if (e.ph === 'M' && e.name === 'process_name') processName.set(e.pid, e.args?.name);
const threads = new Map<string, number>();
const kinds = new Map<string, number>();
const forced = new Map<string, number>();
const KIND: Record<string, string> = { UpdateLayoutTree: 'style', Layout: 'layout', Paint: 'paint', PrePaint: 'paint', MajorGC: 'gc', MinorGC: 'gc' };
let mainThreads = 0;
for (const [key, list] of byThread) {
  list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const stack: TraceEvent[] = [];
  let total = 0;
  const main = threadName.get(key) === 'CrRendererMain';
  if (main) mainThreads++;
  for (const e of list) {
    while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    if (!stack.length) total += cpu(e);
    if (main && KIND[e.name] && !stack.some((s) => KIND[s.name])) {
      // What drove it: a Paged.js task (our tabs run its queue on a MessageChannel), a DevTools call or the print request.
      const mojo = stack.find((s) => s.name === 'Receive mojo message');
      const tag = String(mojo?.args?.chrome_mojo_event_info?.mojo_interface_tag ?? '');
      const phase = tag.startsWith('printing') ? 'print' : mojo ? 'devtools call' : stack.some((s) => s.name === 'MessagePort::Accept') ? 'paged.js' : 'other';
      add(kinds, `${phase}: ${KIND[e.name]}`, cpu(e));
      if (e.name === 'Layout' || e.name === 'UpdateLayoutTree') {
        const frame = (e.args?.beginData?.stackTrace ?? e.args?.data?.stackTrace)?.[0];
        const where = frame ? `${frame.functionName || '(anonymous)'} ${String(frame.url).split('/').pop()}:${frame.lineNumber}` : `(${phase})`;
        add(forced, `${KIND[e.name]} ← ${where}`, cpu(e));
      }
    }
    stack.push(e);
  }
  add(threads, `${processName.get(Number(key.split(':')[0])) ?? '?'} ${key.split(':')[0]} / ${threadName.get(key) ?? key}`, total);
}
for (const [key, list] of byThread) {
  if (threadName.get(key) !== 'CrRendererMain') continue;
  for (const e of list) if (e.name === 'RunTask') add(kinds, 'renderer main threads: all tasks', cpu(e));
}

// JS self time from the sampled profiles (Profile + ProfileChunk events, one profile per thread).
const selfTime = new Map<string, number>();
const profiles = new Map<string, { nodes: Map<number, any>; last: number; thread: string }>();
for (const e of events) {
  if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { nodes: new Map(), last: e.args?.data?.startTime ?? e.ts, thread: `${e.pid}:${e.tid}` });
  if (e.name !== 'ProfileChunk') continue;
  const p = profiles.get(`${e.pid}:${e.id}`);
  if (!p) continue;
  const data = e.args?.data;
  for (const n of data?.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n);
  const samples: number[] = data?.cpuProfile?.samples ?? [];
  const deltas: number[] = data?.timeDeltas ?? [];
  // A sample's time is the delta to the next one; attribute each delta to the previous sample.
  for (let i = 0; i < samples.length; i++) {
    const node = p.nodes.get(samples[i]!);
    const dt = (deltas[i + 1] ?? 0) / 1000;
    if (!node || dt <= 0 || dt > 100) continue;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${String(f.url).split('/').pop()}:${f.lineNumber}`;
    add(selfTime, key, dt);
  }
}

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n## ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(0).padStart(8)} ms  ${k}`);
};
console.log(`renderer main threads: ${mainThreads}; times are thread CPU ms except the sampled JS (wall)`);
print('CPU by thread', threads);
print('renderer main threads: style, layout, paint by what drove them', kinds);
print('JS self time by function (sampled, wall ms)', selfTime);
print('style recalcs and layouts by what forced them (stacks need JUAN_PROFILE_STACKS=1)', forced);
