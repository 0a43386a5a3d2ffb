/**
 * Run a command and sample the peak memory of its whole process tree (Linux /proc).
 * Memory is PSS (proportional set size, /proc/PID/smaps_rollup): pages shared between the
 * tree's processes — Chromium's binary and shared memory, mapped by every one of its
 * processes — count once in total, as they use RAM once. Summing RSS would count them once
 * per process (Chromium alone printing one book then "uses" 1.5 GB). RSS where PSS is unreadable.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const PAGE = 4096;

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = byParent.get(ppid) ?? [];
      list.push(Number(name));
      byParent.set(ppid, list);
    } catch { /* process ended */ }
  }
  return byParent;
}

function treeRss(root: number): number {
  const byParent = children();
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      total += pss ? Number(pss[1]) * 1024 : Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
    } catch { /* gone */ }
    stack.push(...(byParent.get(pid) ?? []));
  }
  return total;
}

export interface Measured {
  seconds: number;
  peakBytes: number;
  code: number;
  stderr: string;
}

/**
 * Run a command; with `memory`, sample its process tree's memory every 100 ms. Sampling is not
 * free — reading smaps_rollup walks every mapping of every process, ~10 % of a build's time
 * when measured — so the bench times runs without it and measures memory in runs of its own.
 */
export function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; memory?: boolean } = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    const timer = options.memory
      ? setInterval(() => {
          if (child.pid) peak = Math.max(peak, treeRss(child.pid));
        }, 100)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - started) / 1000, peakBytes: peak, code: code ?? -1, stderr });
    });
  });
}
