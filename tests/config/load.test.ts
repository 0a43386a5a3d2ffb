import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/load.ts';
import { configTable } from '../../pipeline/config/docs.ts';
import { JuanError } from '../../pipeline/report/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-config-'));
const BASE = 'title: 书\ndate: 2018-10\nidentifier: urn:x\n';

function errorOf(yaml: string): JuanError {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  try {
    loadConfig(path);
  } catch (error) {
    expect(error).toBeInstanceOf(JuanError);
    expect((error as JuanError).file).toBe(path);
    return error as JuanError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('book.yaml', () => {
  it('loads the project book.yaml with defaults filled in', () => {
    const config = loadConfig(join(import.meta.dirname, '../../manuscript/book.yaml'));
    expect(config.title).toBe('“八八战略”慈溪实践');
    expect(config.date).toBe('2018-10');
    expect(config.organisers.map((o) => o.role)).toEqual(['指导', '主办', '承办']);
    expect(config.page).toMatchObject({ trim: '正16开', fontSize: 10.5, innerMarginRatio: 0.55 });
    expect(config.fonts.body).toBe('noto-serif-sc');
  });

  it.each([
    ['unknown top-level key', `${BASE}colour: red\n`, 4, 1, /未知的设置项「colour」/],
    ['unknown nested key', `${BASE}page:\n  trim: A4\n  fontsize: 3\n`, 6, 3, /未知的设置项「page\.fontsize」/],
    ['wrong type', `${BASE}page:\n  fontSize: big\n`, 5, 13, /page\.fontSize.*big/],
    ['bad enum', `${BASE}page:\n  trim: B5\n`, 5, 9, /page\.trim/],
    ['bad date', 'title: 书\ndate: 2018年10月\nidentifier: x\n', 2, 7, /date/],
    ['YAML syntax', 'title: [书\ndate: 2018-10\n', 2, 1, /YAML 语法错误/],
  ])('%s → config error at line:column', (_name, yaml, line, column, message) => {
    const error = errorOf(yaml);
    expect(error.kind).toBe('config');
    expect(error.exitCode).toBe(2);
    expect(error.line).toBe(line);
    expect(error.column).toBe(column);
    expect(error.message).toMatch(message);
  });

  it('names a missing required key', () => {
    const error = errorOf('title: 书\n');
    expect(error.message).toMatch(/缺少必填项「identifier」/);
  });

  it('takes a book.yaml without date: the date stays unknown, never a placeholder (issue 13)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'juan-nodate-'));
    writeFileSync(join(dir, 'book.yaml'), 'title: 书\nidentifier: urn:x\n');
    expect(loadConfig(join(dir, 'book.yaml')).date).toBeUndefined();
  });

  it('README documents every key exactly as the schema does', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(configTable());
  });
});

describe('README', () => {
  it('lists every normalization rule of the preset', async () => {
    const { ruleIds } = await import('../../pipeline/normalize/preset.ts');
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    for (const id of ruleIds) expect(readme).toContain(`\`${id}\``);
  });
});
