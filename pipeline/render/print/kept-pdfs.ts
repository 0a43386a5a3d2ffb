/**
 * Cached PDFs kept parsed between the builds of one process (juan preview). A rebuild after an
 * edit merges the book from the cached PDFs of every paper it did not lay out again; reading and
 * parsing them at each save cost Node ~0.3–0.7 s of the save → page time. A cache file's name is
 * its content's key (cache-keys.ts), so the same name is the same bytes; the merge only copies
 * pages out of a parsed source (merge.ts), never changes it, so one parse serves every build.
 * What a build did not use is dropped when it ends: memory stays that of one book's sources.
 */
import type { PDFDocument } from 'pdf-lib';

export class KeptPdfs {
  private bytes = new Map<string, Uint8Array>();
  private docs = new WeakMap<Uint8Array, Promise<PDFDocument>>();
  private used = new Set<string>();

  /** The bytes of a cache file read by an earlier build, as the same array (so its parse is found). */
  read(name: string): Uint8Array | undefined {
    const data = this.bytes.get(name);
    if (data) this.used.add(name);
    return data;
  }

  /** A cache file this build read. */
  keep(name: string, data: Uint8Array): void {
    this.bytes.set(name, data);
    this.used.add(name);
  }

  /** The parse of kept bytes, started by an earlier build or this one. */
  parsed(data: Uint8Array, parse: () => Promise<PDFDocument>): Promise<PDFDocument> {
    let doc = this.docs.get(data);
    if (!doc) {
      doc = parse();
      doc.catch(() => this.docs.delete(data)); // a failed parse is not kept: the merge reports it
      this.docs.set(data, doc);
    }
    return doc;
  }

  /** A build ended: forget the files it did not read. */
  endBuild(): void {
    for (const name of [...this.bytes.keys()]) if (!this.used.has(name)) this.bytes.delete(name);
    this.used.clear();
  }

  get size(): number {
    return this.bytes.size;
  }
}
