/** The image-source rule's safety checks on real files (conventions.md "Input safety"). */
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { inspectImage, printedDpi, sanitizeSvg } from '../../pipeline/normalize/rules/image-source.ts';
import { normalizeTree } from '../../pipeline/normalize/index.ts';

const PNG = join(import.meta.dirname, '..', 'fixtures', 'content', '图', '产值.png');

/** A PNG header declaring width×height (the rest of the file does not matter to the check). */
function pngHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  return b;
}

function book() {
  const root = mkdtempSync(join(tmpdir(), 'juan-img-'));
  const dir = join(root, 'book');
  mkdirSync(join(dir, 'img'), { recursive: true });
  writeFileSync(join(root, 'secret.png'), pngHeader(10, 10));
  copyFileSync(PNG, join(dir, 'img', 'ok.png'));
  symlinkSync(join(root, 'secret.png'), join(dir, 'img', 'escape.png'));
  symlinkSync(join(dir, 'img', 'ok.png'), join(dir, 'img', 'inside.png'));
  writeFileSync(join(dir, 'img', 'bomb.png'), pngHeader(30000, 30000));
  writeFileSync(join(dir, 'img', 'text.png'), '# not an image\n');
  writeFileSync(join(dir, 'img', 'really-png.jpg'), pngHeader(800, 600));
  return { manuscript: join(dir, 'book.md'), dir };
}

describe('inspectImage', () => {
  const { manuscript } = book();
  const refused = (url: string) => {
    const r = inspectImage(url, manuscript);
    return 'refused' in r ? r.refused : null;
  };
  it('accepts an image inside the folder, also through a symlink that stays inside', () => {
    expect(refused('img/ok.png')).toBeNull();
    expect(refused('img/inside.png')).toBeNull();
    const r = inspectImage('img/ok.png', manuscript);
    expect('image' in r && r.image.width === 1600 && r.image.height === 900 && r.image.src.startsWith('data:image/png;base64,')).toBe(true);
  });
  it('refuses a symlink pointing out of the folder, remote, absolute and .. paths', () => {
    expect(refused('img/escape.png')).toMatch(/文件夹之外/);
    expect(refused('http://example.com/a.png')).toMatch(/远程/);
    expect(refused('/etc/passwd')).toMatch(/绝对路径/);
    expect(refused('img/../../secret.png')).toMatch(/\.\./);
    expect(refused('img/missing.png')).toMatch(/找不到/);
  });
  it('sniffs the format from the bytes and refuses absurd pixel sizes', () => {
    expect(refused('img/text.png')).toMatch(/不是 PNG、JPEG 或 SVG/);
    expect(refused('img/bomb.png')).toMatch(/像素尺寸不合理（30000×30000/);
    const r = inspectImage('img/really-png.jpg', manuscript);
    expect('image' in r && r.image.format).toBe('png');
  });
});

describe('sanitizeSvg', () => {
  it('drops scripts, handlers, foreignObject and external references, keeps the drawing', () => {
    const out = sanitizeSvg(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20" onload="x()">' +
        '<script>alert(1)</script><style>@import url(http://e.x/a.css)</style><circle r="5" onclick="y()" fill="url(http://e.x/#g)"/>' +
        '<image xlink:href="http://e.x/t.png"/><use href="#local"/><foreignObject><div>x</div></foreignObject><a href="javascript:z()"><rect/></a></svg>',
    )!;
    expect(out.width).toBe(40);
    expect(out.svg).toContain('<circle');
    expect(out.svg).toContain('href="#local"');
    expect(out.svg).not.toMatch(/script|onload|onclick|foreignObject|e\.x|javascript|<style/i);
  });
});

describe('preflight', () => {
  it('warns when a raster image would print below 200 dpi across the type area, not above', () => {
    const { dir } = book();
    writeFileSync(join(dir, 'img', 'small.png'), pngHeader(600, 300));
    const file = new VFile({ path: join(dir, 'book.md'), value: '# 题目\n\n![图1 小图](img/small.png)\n\n![图2 大图](img/ok.png)\n' });
    normalizeTree(file);
    const warnings = file.messages.filter((m) => m.ruleId === 'image-source').map((m) => m.reason);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/分辨率偏低：印刷时约 108 dpi.*img\/small\.png/);
    expect(Math.round(printedDpi({ width: 1600, height: 900 } as never, 399, 378))).toBe(289);
  });
});
