/**
 * A loopback HTTP server that serves exactly the files of one print build (the HTML,
 * Paged.js, our browser-side handlers, the font slices) and nothing else.
 * Paged.js re-fetches stylesheets; from file:// that fails and layout waits forever.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

/** The page may load (and connect to) nothing but this server; inline styles are ours, scripts only our files. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'";

export type Served = { type: string; data: Uint8Array | string } | { type: string; file: string };

export interface BookServer {
  origin: string;
  close(): Promise<void>;
}

export async function serveBook(files: Map<string, Served>): Promise<BookServer> {
  const server: Server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const entry = req.method === 'GET' || req.method === 'HEAD' ? files.get(pathname) : undefined;
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const body = 'file' in entry ? await readFile(entry.file) : entry.data;
      res.writeHead(200, {
        'content-type': entry.type,
        'cache-control': 'max-age=3600',
        // Only our own files: no other origin, no plugins, no forms, no frames.
        'content-security-policy': CSP,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
