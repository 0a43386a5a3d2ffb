/**
 * `juan build` reads the manuscript and builds the print HTML in turns (in-turns.ts): between
 * steps, after every few milliseconds of work, the event loop answers the browser and the book
 * server. The turns come, and the volume read in turns is the volume read at once.
 */
import { describe, expect, it } from 'vitest';
import { allAtOnce, inTurns, type Steps } from '../../pipeline/in-turns.ts';
import { readVolume, resolveInputs, startRun } from '../../pipeline/commands/inputs.ts';
import { projectPath } from '../../pipeline/paths.ts';

/** 20 steps of 3 ms of busy work each; records when a callback queued before them ran. */
function* busySteps(log: string[]): Steps<number> {
  for (let i = 0; i < 20; i++) {
    const until = performance.now() + 3;
    while (performance.now() < until);
    log.push(`step ${i}`);
    yield;
  }
  return 20;
}

describe('in turns', () => {
  it('gives the event loop a turn between steps (a queued I/O callback runs before the work ends); at once, it does not', async () => {
    const turns: string[] = [];
    setImmediate(() => turns.push('callback'));
    expect(await inTurns(busySteps(turns), 8)).toBe(20);
    const at = turns.indexOf('callback');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(turns.length - 1);

    const once: string[] = [];
    setImmediate(() => once.push('callback'));
    expect(allAtOnce(busySteps(once))).toBe(20);
    expect(once).not.toContain('callback');
    await new Promise((resolve) => setImmediate(resolve));
    expect(once[once.length - 1]).toBe('callback');
  });

  it.each([
    ['the seed', projectPath('manuscript', '论文集.md')],
    ['the content sample', projectPath('tests', 'fixtures', 'content', '样稿.md')],
  ])('%s: the volume, tree and messages read in turns are those read at once', async (_name, manuscript) => {
    const options = { cwd: projectPath(), manuscript };
    const atOnce = readVolume(resolveInputs(options));
    const { read } = await startRun(options);
    expect(JSON.stringify(read.volume)).toBe(JSON.stringify(atOnce.volume));
    expect(JSON.stringify(read.tree)).toBe(JSON.stringify(atOnce.tree));
    const messages = (r: typeof read) => r.file.messages.map((m) => `${m.ruleId} ${m.place ? JSON.stringify(m.place) : ''} ${m.reason}`);
    expect(messages(read).length).toBeGreaterThan(0);
    expect(messages(read)).toEqual(messages(atOnce));
  });
});
