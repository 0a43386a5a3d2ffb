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
    ['YAML syntax: unclosed [ (at the bracket, not where the parser gave up)', 'title: [书\ndate: 2018-10\n', 1, 8, /YAML 语法错误：括号没有配对：这里的 \[ 没有对应的 \]/],
    ['unclosed quote → the quote\'s line, not the end of the file', `${BASE}subtitle: "改革开放 40 周年\npage:\n  trim: A4\n`, 4, 11, /YAML 语法错误：引号没有配对/],
    ['two key: value on one line', `${BASE}genre: 论文集: 文集\n`, 4, 8, /YAML 语法错误：一行里出现了两个「键: 值」/],
    ['tab as indentation', `${BASE}page:\n\ttrim: A4\n`, 5, 1, /YAML 语法错误：缩进不能用 Tab 键/],
    ['duplicate key', `${BASE}title: 又一个\n`, 4, 1, /YAML 语法错误：设置项「title」写了两次/],
    ['trim lists the allowed values', `${BASE}page:\n  trim: B5\n`, 5, 9, /「page\.trim」的值 "B5" 不可用。可选：正16开、A4、大32开/],
    ['date names its format', 'title: 书\ndate: 2018年10月\nidentifier: x\n', 2, 7, /「date」的值 "2018年10月" 格式不对：格式 YYYY-MM 或 YYYY-MM-DD/],
    ['integer', `${BASE}page:\n  charsPerLine: 38.5\n`, 5, 17, /「page\.charsPerLine」的值 38\.5 应为整数，范围 20–50/],
    ['number out of range', `${BASE}page:\n  fontSize: 30\n`, 5, 13, /「page\.fontSize」的值 30 超出范围：应在 8 到 14 之间/],
    ['boolean', `${BASE}toc:\n  showUnit: 是\n`, 5, 13, /「toc\.showUnit」的值 "是" 应为 true 或 false/],
    ['did you mean: a page key at the top level', `${BASE}fontsize: 11\n`, 4, 1, /未知的设置项「fontsize」。您是不是要「page\.fontSize」？/],
    ['did you mean: misspelt required key comes before "missing"', 'titel: 书\ndate: 2018-10\nidentifier: x\n', 1, 1, /未知的设置项「titel」。您是不是要「title」？/],
  ])('%s → config error at line:column', (_name, yaml, line, column, message) => {
    const error = errorOf(yaml);
    expect(error.kind).toBe('config');
    expect(error.exitCode).toBe(2);
    expect(error.line).toBe(line);
    expect(error.column).toBe(column);
    expect(error.message).toMatch(message);
  });

  it('no English from the libraries in any of these messages', () => {
    for (const yaml of [`${BASE}page:\n  trim: B5\n`, 'title: 书\ndate: 2018年10月\nidentifier: x\n', `${BASE}genre: 论文集: 文集\n`, `${BASE}page:\n  charsPerLine: 38.5\n`]) {
      expect(errorOf(yaml).message).not.toMatch(/Expected|mapping|union/i);
    }
  });

  it('an unknown key far from every known one gets no suggestion', () => {
    expect(errorOf(`${BASE}colour: red\n`).message).toBe('未知的设置项「colour」');
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
