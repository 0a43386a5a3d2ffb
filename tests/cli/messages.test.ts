/**
 * Issue 17: every message a new user met in a library's English, or without its place, tag or
 * the right exit code — run through the CLI as the editor runs it (node bin/juan.js …).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { juan, ROOT } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'juan-messages-'));
const SEED_YAML = readFileSync(join(ROOT, 'manuscript', 'book.yaml'), 'utf8');

/** The seed's book.yaml with line `n` (1-based) passed through `edit`. */
function yamlWith(name: string, edit: (lines: string[]) => void): string {
  const lines = SEED_YAML.split('\n');
  edit(lines);
  const path = join(work, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}
const lineOf = (key: string) => SEED_YAML.split('\n').findIndex((l) => l.startsWith(key)) + 1;

/** Error lines: each starts with 错误 and a [tag]; a hint line may follow; never the whole help, never a stack. */
function expectOneTaggedError(stderr: string): void {
  const lines = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('▸'));
  expect(lines.length, stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^错误 \[[a-z:-]+\] /);
  if (lines[1]) expect(lines[1]).toMatch(/^ {2}提示：/);
  expect(stderr).not.toMatch(/\n\s+at |Expected|Unknown option|mapping|positional argument/i);
}

describe('command line: unknown commands and options', () => {
  it('--pirnt-ready → 您是不是要「--print-ready」, a one-line usage, exit 2', () => {
    const run = juan(['build', '--pirnt-ready']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('错误 [usage] 未知选项「--pirnt-ready」。您是不是要「--print-ready」？');
    expect(run.stderr).toMatch(/提示：用法：juan build \[--manuscript FILE\].*\[--no-epub\]/);
    expect(run.stderr).not.toContain('选项:'); // not the whole help
    expect(run.stdout).toBe('');
    expectOneTaggedError(run.stderr);
  });

  it('biuld → 您是不是要「build」, exit 2, tagged', () => {
    const run = juan(['biuld']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('错误 [usage] 未知命令「biuld」。您是不是要「build」？');
    expectOneTaggedError(run.stderr);
  });

  it('a command nothing resembles lists the commands instead of guessing', () => {
    const run = juan(['typeset']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('未知命令「typeset」。可用命令：normalize、build、check');
    expect(run.stderr).not.toContain('您是不是要');
  });

  it('an option of another command names the commands it belongs to', () => {
    const run = juan(['check', '--no-epub']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('选项「--no-epub」不适用于 juan check（用于：juan build）');
    expectOneTaggedError(run.stderr);
  });

  it('an option without its value, a flag with one', () => {
    const a = juan(['build', '--out']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('选项「--out」后面要跟一个值（DIR）');
    const b = juan(['normalize', '--quiet=yes']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('选项「--quiet」不带值');
  });

  it('unexpected positional arguments are usage errors: check foo bar --print-ready', () => {
    const run = juan(['check', 'foo', 'bar', '--print-ready']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('多余的参数「foo」');
    expectOneTaggedError(run.stderr);
  });

  it('no command: a tagged usage error, exit 2', () => {
    const run = juan([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('错误 [usage] 缺少命令');
  });
});

describe('command line: help', () => {
  it('juan build --help gives build\'s options, not the general help', () => {
    const run = juan(['build', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^用法 \/ usage: juan build/);
    expect(run.stdout).toContain('--no-epub');
    expect(run.stdout).not.toContain('命令:');
  });

  it('juan check --help lists only what check takes', () => {
    const run = juan(['check', '-h']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('juan check');
    expect(run.stdout).toContain('--out DIR');
    expect(run.stdout).toContain('--print-ready'); // the preflight
    expect(run.stdout).not.toContain('--no-epub');
    expect(run.stdout).not.toContain('--manuscript');
  });

  it('juan --help lists the commands', () => {
    const run = juan(['--help']);
    expect(run.code).toBe(0);
    for (const c of ['normalize', 'build', 'check']) expect(run.stdout).toContain(`  ${c} `);
  });
});

describe('missing inputs exit the same way (2, tagged [input] or [config]) for every command', () => {
  const none = join(work, 'nope.md');
  it.each([
    ['normalize: manuscript', ['normalize', '--manuscript', none], none, '找不到书稿文件'],
    ['build: manuscript', ['build', '--manuscript', none], none, '找不到书稿文件'],
    ['preview: manuscript', ['preview', '--manuscript', none], none, '找不到书稿文件'],
    ['build: book.yaml', ['build', '--config', join(work, 'none.yaml')], join(work, 'none.yaml'), '找不到配置文件'],
    ['check: book.pdf', ['check', '--out', work], join(work, 'book.pdf'), '找不到要核对的文件'],
  ])('%s', (_name, args, path, message) => {
    const run = juan(args);
    expect(run.code).toBe(2);
    const errorLine = run.stderr.split('\n').find((l) => l.startsWith('错误'));
    expect(errorLine).toMatch(/^错误 \[(input|config)\] /);
    expect(errorLine).toContain(`${path}: ${message}`);
    expectOneTaggedError(run.stderr);
  });
});

describe('book.yaml errors in Chinese, at the cause', () => {
  it.each([
    ['page.trim lists the allowed values', () => yamlWith('trim.yaml', (l) => (l[lineOf('  trim:') - 1] = '  trim: B5')), `:${lineOf('  trim:')}:9:`, '「page.trim」的值 "B5" 不可用。可选：正16开、A4、大32开'],
    ['date names its format', () => yamlWith('date.yaml', (l) => (l[lineOf('date:') - 1] = 'date: 2018年10月')), `:${lineOf('date:')}:7:`, '「date」的值 "2018年10月" 格式不对：格式 YYYY-MM 或 YYYY-MM-DD'],
    ['integer', () => yamlWith('int.yaml', (l) => (l[lineOf('  charsPerLine:') - 1] = '  charsPerLine: 38.5')), `:${lineOf('  charsPerLine:')}:17:`, '「page.charsPerLine」的值 38.5 应为整数，范围 20–50'],
    ['a value with ": " (was 「Nested mappings are not allowed in compact mappings」)', () => yamlWith('nested.yaml', (l) => (l[lineOf('genre:') - 1] = 'genre: 论文集: 文集')), `:${lineOf('genre:')}:8:`, 'YAML 语法错误：一行里出现了两个「键: 值」'],
    ['an unclosed quote on line 4 is reported on line 4, not at the end of the file', () => yamlWith('quote.yaml', (l) => (l[3] = l[3]!.replace(': ', ': "'))), ':4:11:', 'YAML 语法错误：引号没有配对'],
    ['fontsize → 您是不是要「page.fontSize」', () => yamlWith('fontsize.yaml', (l) => l.push('fontsize: 11')), `:${SEED_YAML.split('\n').length + 1}:1:`, '未知的设置项「fontsize」。您是不是要「page.fontSize」？'],
  ])('%s', (_name, make, place, message) => {
    const path = make();
    const run = juan(['normalize', '--config', path, '--out', join(work, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`错误 [config] ${path}${place} ${message}`);
    expectOneTaggedError(run.stderr);
  });
});
