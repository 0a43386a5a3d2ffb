/**
 * The preview's HTTP server, on 127.0.0.1 only: the viewer page, pdf.js from node_modules, the
 * last good book.pdf (from memory, so a build publishing meanwhile never serves half a file),
 * the review report when the build made one, and /events — Server-Sent Events telling the page
 * a build started, finished (which page changed) or failed. The page may load nothing from
 * anywhere else (Content-Security-Policy).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { projectPath } from '../paths.ts';
import { formatError } from '../report/terminal.ts';
import { JuanError } from '../report/errors.ts';

/** What the page needs to show one build. */
export interface PreviewState {
  version: number;
  pageCount: number;
  firstChanged: number | null;
  /** Last page whose bytes changed (null when none did): the open page looks for the edit's text between the two. */
  lastChanged: number | null;
  /** The page the edit is on: the first page between those two whose text differs (firstChanged when none does); null when nothing changed. */
  changed: number | null;
  /** Pages (1-based) served as a small PDF of their own (`/pages.pdf?v=`), for the page to draw before it loads book.pdf. */
  pages: number[];
  /** A fingerprint of every page's content: a page whose fingerprint is unchanged is not drawn again. */
  fingerprints: string[];
  /** Folio label of every physical page (`i`, `1`…), for jump-to-page by the printed number. */
  folios: string[];
  /** toc.json: the 目录 with folios and physical pages. */
  toc: unknown[];
  title: string;
  /** Whether the output folder has report.html (the review report). */
  report: boolean;
  seconds: number;
}

const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const STATIC: Record<string, [file: string, type: string]> = {
  '/': [projectPath('pipeline', 'preview', 'client', 'index.html'), 'text/html; charset=utf-8'],
  '/client.js': [projectPath('pipeline', 'preview', 'client', 'client.js'), 'text/javascript; charset=utf-8'],
  '/preview.css': [projectPath('pipeline', 'preview', 'client', 'preview.css'), 'text/css; charset=utf-8'],
  '/pdfjs/pdf.min.mjs': [projectPath('node_modules', 'pdfjs-dist', 'build', 'pdf.min.mjs'), 'text/javascript; charset=utf-8'],
  '/pdfjs/pdf.worker.min.mjs': [projectPath('node_modules', 'pdfjs-dist', 'build', 'pdf.worker.min.mjs'), 'text/javascript; charset=utf-8'],
  '/pdfjs/pdf_viewer.css': [projectPath('node_modules', 'pdfjs-dist', 'web', 'pdf_viewer.css'), 'text/css; charset=utf-8'],
};

export class PreviewServer {
  private state: PreviewState | null = null;
  private pdf: Buffer | null = null;
  /** The last builds' small PDFs of their changed pages, by version (a page still busy with one build may ask for it late). */
  private readonly pagePdfs = new Map<number, Buffer>();
  private failure: string | null = null;
  private building = false;
  private readonly clients = new Set<ServerResponse>();
  /** Builds published and not yet reported drawn by an open page: version → resolve. */
  private readonly waiting = new Map<number, () => void>();
  private readonly keepAlive: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    private readonly out: string,
  ) {
    // A comment every 15 s keeps idle connections from being closed by anything in between.
    this.keepAlive = setInterval(() => {
      for (const c of this.clients) c.write(': \n\n');
    }, 15_000);
  }

  /** Listen on 127.0.0.1:`port`; with `fallback`, on a port the system picks when that one is taken. */
  static async start(options: { port: number; fallback: boolean; out: string }): Promise<PreviewServer> {
    const listen = (port: number) =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve(server);
        });
      });
    let server: Server;
    try {
      server = await listen(options.port);
    } catch (error) {
      if (!options.fallback || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw portError(options.port, error);
      server = await listen(0);
    }
    const preview = new PreviewServer(server, options.out);
    server.on('request', (req, res) => preview.handle(req, res));
    return preview;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  /** A build started. */
  send(event: 'building', data: unknown): void {
    this.building = true;
    this.broadcast(event, data);
  }

  /** A good build: its PDF replaces the one on show. */
  publish(state: PreviewState, pdf: Buffer, pages: Buffer | null = null): void {
    this.state = state;
    this.pdf = pdf;
    if (pages) this.pagePdfs.set(state.version, pages);
    for (const v of this.pagePdfs.keys()) if (v < state.version - 2) this.pagePdfs.delete(v);
    this.failure = null;
    this.broadcast('build', state);
  }

  /**
   * Settles when an open page reports the build's changed page drawn (`/shown?v=`), at once when
   * no page is open, or after `limitMs`: the build's other files wait for it, so that the
   * editor's page does not share the cores with writing them.
   */
  shown(version: number, limitMs: number): Promise<void> {
    if (!this.clients.size) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, limitMs);
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        waiting.delete(version);
        resolve();
      }
      waiting.set(version, done);
    });
  }

  /** The build's other outputs are written (they follow the pages) and the next build's tab is open: the report link; the preview is idle. */
  written(outputs: { report: boolean }): void {
    if (this.state) this.state = { ...this.state, report: outputs.report };
    this.building = false;
    this.broadcast('written', outputs);
  }

  /** A failed build: its one-line error is shown above the last good pages. */
  fail(error: unknown): void {
    this.failure = formatError(error, false).split('\n')[0]!;
    this.building = false;
    this.broadcast('failed', { message: this.failure });
  }

  private broadcast(event: string, data: unknown): void {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) c.write(text);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      // A page that connects (or reconnects) gets the current state at once.
      if (this.state) res.write(`event: build\ndata: ${JSON.stringify(this.state)}\n\n`);
      if (this.building) res.write(`event: building\ndata: {}\n\n`);
      if (this.failure) res.write(`event: failed\ndata: ${JSON.stringify({ message: this.failure })}\n\n`);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
      return;
    }
    if (url.pathname === '/book.pdf') {
      if (!this.pdf) {
        res.writeHead(404, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/pdf', 'Content-Length': this.pdf.length });
      res.end(req.method === 'HEAD' ? undefined : this.pdf);
      return;
    }
    if (url.pathname === '/shown') {
      // Any version up to this one: a page that skipped a build (a newer one came) never reports it.
      const v = Number(url.searchParams.get('v'));
      for (const [version, done] of [...this.waiting]) if (version <= v) done();
      res.writeHead(204, headers).end();
      return;
    }
    if (url.pathname === '/pages.pdf') {
      const pages = this.pagePdfs.get(Number(url.searchParams.get('v')));
      if (!pages) {
        res.writeHead(404, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/pdf', 'Content-Length': pages.length });
      res.end(req.method === 'HEAD' ? undefined : pages);
      return;
    }
    if (url.pathname === '/report.html') {
      const file = join(this.out, 'report.html');
      if (!existsSync(file)) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('还没有审读报告（report.html）');
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(readFileSync(file));
      return;
    }
    // The page's own lettering (bar, 目录): the project's Noto Sans SC, for machines without CJK fonts.
    const font = /^\/fonts\/((?:files\/)?[\w.-]+\.(?:css|woff2|woff))$/.exec(url.pathname);
    if (font && !font[1]!.includes('..')) {
      const file = projectPath('node_modules', '@fontsource', 'noto-sans-sc', font[1]!);
      if (existsSync(file)) {
        const type = file.endsWith('.css') ? 'text/css; charset=utf-8' : file.endsWith('.woff2') ? 'font/woff2' : 'font/woff';
        res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': 'max-age=86400' }).end(readFileSync(file));
        return;
      }
    }
    const entry = STATIC[url.pathname];
    if (!entry || !existsSync(entry[0])) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': entry[1] }).end(req.method === 'HEAD' ? undefined : readFileSync(entry[0]));
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    for (const done of [...this.waiting.values()]) done();
    for (const c of this.clients) c.end();
    this.clients.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

function portError(port: number, cause: unknown): JuanError {
  const code = (cause as NodeJS.ErrnoException).code;
  const message = code === 'EADDRINUSE' ? `端口 ${port} 已被占用` : code === 'EACCES' ? `没有权限使用端口 ${port}` : `无法在端口 ${port} 上启动预览服务器：${(cause as Error).message}`;
  return new JuanError('usage', message, { source: 'preview', hint: '换一个端口（--port N），或不写 --port 让系统挑一个', cause });
}
