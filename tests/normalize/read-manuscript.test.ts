/** Bad manuscripts give one clear Chinese line naming the file (JuanError 'content'), never a crash. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManuscript } from '../../pipeline/normalize/read-manuscript.ts';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { JuanError } from '../../pipeline/report/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-read-'));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

function refusal(path: string): JuanError {
  try {
    readManuscript(path);
  } catch (e) {
    expect(e).toBeInstanceOf(JuanError);
    const err = e as JuanError;
    expect(err.kind).toBe('content');
    expect(err.file).toBe(path);
    expect(err.message).not.toContain('\n');
    expect(err.where).toContain(path); // the CLI prints where + message: the path once
    expect(err.hint).toBeTruthy();
    return err;
  }
  throw new Error(`no error for ${path}`);
}

// GBK bytes of 「中文书稿」 (D6D0 CEC4 CAE9 B8E5), repeated: invalid as UTF-8
const GBK = Uint8Array.from(Array.from({ length: 40 }, () => [0xd6, 0xd0, 0xce, 0xc4, 0xca, 0xe9, 0xb8, 0xe5]).flat());

describe('readManuscript', () => {
  it('reads a UTF-8 file', () => {
    const f = readManuscript(file('ok.md', '# 标题\n\n正文。\n'));
    expect(String(f.value)).toBe('# 标题\n\n正文。\n');
  });
  it('refuses a missing file', () => expect(refusal(join(dir, 'nope.md')).message).toMatch(/^找不到书稿文件/));
  it('refuses a directory', () => {
    const d = join(dir, 'sub');
    mkdirSync(d);
    expect(refusal(d).message).toMatch(/目录/);
  });
  it('refuses an empty file', () => expect(refusal(file('empty.md', '')).message).toMatch(/空文件/));
  it('refuses a whitespace-only file', () => expect(refusal(file('blank.md', ' \n\t\n\u3000\n')).message).toMatch(/只有空白/));
  it('refuses a binary file', () => expect(refusal(file('bin.md', Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3]))).message).toMatch(/二进制/));
  it('refuses GB18030/GBK and says how to convert', () => {
    const err = refusal(file('gbk.md', GBK));
    expect(err.message).toMatch(/GB18030\/GBK/);
    expect(err.hint).toContain('iconv -f GB18030 -t UTF-8');
  });
  it('refuses other invalid UTF-8', () => expect(refusal(file('bad.md', Uint8Array.from([0x41, 0xff, 0x41, 0xfe, 0x0a]))).message).toMatch(/不是有效的 UTF-8/));
  it('refuses a manuscript without any paper', () => {
    expect(() => normalizeManuscript({ path: 'x.md', text: '这里只有一段话，没有标题。\n' })).toThrow(/没有找到任何论文正文/);
  });
});
