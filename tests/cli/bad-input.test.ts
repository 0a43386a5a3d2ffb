/**
 * Bad input table (issue 6): each case exits non-zero with a one-line Chinese message that
 * names the file, shows no stack trace, and leaves a previous good build untouched.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { juan, ROOT } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'juan-bad-'));
const GOOD_CONFIG = join(ROOT, 'manuscript', 'book.yaml');

function file(name: string, data: string | Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, data);
  return path;
}

const gb18030 = Uint8Array.from([
  // 「论文集目录」 in GB18030 / GBK, then a newline, repeated
  ...Array(20).fill([0xc2, 0xdb, 0xce, 0xc4, 0xbc, 0xaf, 0xc4, 0xbf, 0xc2, 0xbc, 0x0a]).flat(),
]);

interface Case {
  name: string;
  args: () => string[];
  code: number;
  message: RegExp;
  names: () => string;
  env?: () => Record<string, string>;
}

/** A stand-in "browser" for the failure cases: exits at once, or never answers. */
function fakeBrowser(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}
const QUICK_CONFIG = () => file('quick.yaml', readFileSync(GOOD_CONFIG, 'utf8').replace(/timeoutSeconds: \d+/, 'timeoutSeconds: 5'));

const cases: Case[] = [
  { name: 'missing manuscript', args: () => ['--manuscript', join(work, 'nope.md'), '--config', GOOD_CONFIG], code: 2, message: /不存在|找不到/, names: () => join(work, 'nope.md') },
  { name: 'empty manuscript', args: () => ['--manuscript', file('empty.md', '  \n\n'), '--config', GOOD_CONFIG], code: 1, message: /空/, names: () => join(work, 'empty.md') },
  { name: 'directory instead of file', args: () => { mkdirSync(join(work, 'dir.md'), { recursive: true }); return ['--manuscript', join(work, 'dir.md'), '--config', GOOD_CONFIG]; }, code: 2, message: /文件夹|目录/, names: () => join(work, 'dir.md') },
  { name: 'binary file', args: () => ['--manuscript', file('binary.md', Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)), '--config', GOOD_CONFIG], code: 1, message: /二进制|不是文本/, names: () => join(work, 'binary.md') },
  { name: 'GB18030 manuscript', args: () => ['--manuscript', file('gbk.md', gb18030), '--config', GOOD_CONFIG], code: 1, message: /GB18030|GBK/, names: () => join(work, 'gbk.md') },
  { name: 'no paper in manuscript', args: () => ['--manuscript', file('nopaper.md', '# 目录\n\n只有一句话。\n'), '--config', GOOD_CONFIG], code: 1, message: /没有找到任何论文/, names: () => join(work, 'nopaper.md') },
  { name: 'book.yaml YAML syntax error', args: () => ['--config', file('syntax.yaml', 'title: [书\ndate: 2018-10\n')], code: 2, message: /YAML 语法错误/, names: () => `${join(work, 'syntax.yaml')}:1:8` },
  { name: 'book.yaml unknown key', args: () => ['--config', file('unknown.yaml', `${readFileSync(GOOD_CONFIG, 'utf8')}\ncolour: red\n`)], code: 2, message: /未知的设置项「colour」/, names: () => join(work, 'unknown.yaml') },
  { name: 'browser missing', args: () => [], env: () => ({ JUAN_CHROMIUM: join(work, 'no-such-chromium') }), code: 1, message: /Chromium/, names: () => join(work, 'no-such-chromium') },
  { name: 'browser crashes at start', args: () => ['--config', QUICK_CONFIG()], env: () => ({ JUAN_CHROMIUM: fakeBrowser('crashing-chromium', 'exit 3') }), code: 1, message: /浏览器|Chromium/, names: () => 'print' },
  { name: 'browser hangs', args: () => ['--config', QUICK_CONFIG()], env: () => ({ JUAN_CHROMIUM: fakeBrowser('hanging-chromium', 'sleep 600') }), code: 1, message: /超时|浏览器/, names: () => 'print' },
  {
    name: 'a 200,000-character paragraph without punctuation (5 s limit)',
    args: () => ['--manuscript', file('huge.md', `# 目录\n\n超长段落测试.....\t测试单位 (01)\n\n# 超长段落测试\n\n测试单位\n\n${'高质量发展慈溪实践'.repeat(22_223).slice(0, 200_000)}\n`), '--config', QUICK_CONFIG(), '--no-cache'],
    code: 1,
    message: /排版论文「超长段落测试」时失败（已重试一次）：.*(超时|正文没有完整排进页面)/,
    names: () => 'print:layout',
  },
  { name: 'missing book.yaml given explicitly', args: () => ['--config', join(work, 'none.yaml')], code: 2, message: /找不到配置文件/, names: () => join(work, 'none.yaml') },
];

describe('bad input', () => {
  let out: string;
  let before: Map<string, Buffer>;

  beforeAll(() => {
    const seedError = inject('seedBuildError');
    if (seedError) throw new Error(`seed build failed: ${seedError}`);
    out = mkdtempSync(join(tmpdir(), 'juan-bad-out-'));
    cpSync(inject('seedOut'), out, { recursive: true });
    before = new Map(readdirSync(out).filter((f) => /\.(pdf|epub|json|md|html)$/.test(f)).map((f) => [f, readFileSync(join(out, f))]));
    expect([...before.keys()]).toEqual(expect.arrayContaining(['book.pdf', 'book.epub', 'toc.json']));
  });

  it.each(cases)('$name → exit $code, message names the file, previous build unchanged', (c) => {
    const run = juan(['build', ...c.args(), '--out', out], { env: c.env?.() });
    expect(run.code).toBe(c.code);
    expect(run.stderr).toMatch(c.message);
    expect(run.stderr).toContain(c.names());
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    const lines = run.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('▸'));
    expect(lines.length).toBeLessThanOrEqual(2); // one line + hint
    for (const [name, bytes] of before) expect(readFileSync(join(out, name)).equals(bytes), name).toBe(true);
  });
});
