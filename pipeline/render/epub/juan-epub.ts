/**
 * epub-gen-memory, adapted where its defaults fall short for this book:
 * - the package identifier is the stable one from book.yaml, not a random UUID per build;
 * - chapter XHTML is ours, already serialised as XHTML with Chinese as UTF-8 text
 *   (the library re-serialises content with dom-serializer in xmlMode, which writes
 *   `&#x4E2D;` for every CJK character and drops attributes it does not know);
 * - the cover image, the embedded fonts and extra stylesheets are bytes we generate,
 *   not URLs to download;
 * - the zip is reproducible (every entry gets the same fixed modification date) and made with
 *   Node's zlib (yazl), not JSZip's JavaScript deflate.
 * The OPF, nav and NCX come from our EJS templates (templates/epub/) through the library's
 * `contentOPF`, `tocXHTML`, `tocNCX` and `chapterXHTML` options.
 */
import { EPub, type Chapter, type Options } from 'epub-gen-memory';
import { ZipFile } from 'yazl';

export interface ExtraFile {
  /** Path inside OEBPS/. */
  path: string;
  data: string | Uint8Array;
}

export interface JuanEpubExtras {
  identifier: string;
  /** XHTML body content of each chapter, in the order of `content`. Replaces the library's re-serialised copy. */
  rawContent: string[];
  cover: { data: Uint8Array | string; extension: string; mediaType: string } | null;
  /** Files under OEBPS/fonts/. */
  fonts: Array<{ filename: string; data: Uint8Array }>;
  /** Other files under OEBPS/ (stylesheets). */
  files: ExtraFile[];
  /** Modification date stamped on every zip entry. */
  mtime: Date;
}

export class JuanEpub extends EPub {
  private readonly extras: JuanEpubExtras;

  constructor(options: Options & Record<string, unknown>, content: Chapter[], extras: JuanEpubExtras) {
    // The library parses and re-serialises every chapter's HTML here (~0.2 s for the 50 papers
    // of the full-size volume) only for us to replace it below: it gets empty chapters.
    super(options, content.map((chapter) => ({ ...chapter, content: '' })));
    this.extras = extras;
    this.uuid = extras.identifier;
    this.content.forEach((chapter, i) => {
      chapter.content = extras.rawContent[i]!;
    });
    this.images = [];
    this.cover = extras.cover ? { extension: extras.cover.extension, mediaType: extras.cover.mediaType } : undefined;
  }

  protected override async generateTemplateFiles(): Promise<void> {
    await super.generateTemplateFiles();
    const oebps = this.zip.folder('OEBPS')!;
    for (const file of this.extras.files) oebps.file(file.path, file.data);
  }

  protected override async downloadAllFonts(): Promise<void> {
    if (!this.extras.fonts.length) return;
    const fonts = this.zip.folder('OEBPS')!.folder('fonts')!;
    for (const font of this.extras.fonts) fonts.file(font.filename, font.data);
  }

  protected override async downloadAllImages(): Promise<void> {
    /* the content has no images; the cover is written by makeCover */
  }

  protected override async makeCover(): Promise<void> {
    if (!this.extras.cover || !this.cover) return;
    this.zip.folder('OEBPS')!.file(`cover.${this.cover.extension}`, this.extras.cover.data);
  }

  /**
   * The EPUB bytes: mimetype first and stored, everything else deflated, DOS dates only (the
   * same fixed one on every entry: reproducible). The library's entries are zipped by yazl with
   * Node's zlib (in its thread pool): JSZip's own deflate and CRC, in JavaScript on the main
   * thread, took ~0.4 s of a full-size build, yazl ~0.1 s.
   */
  async build(): Promise<Uint8Array> {
    await this.render();
    const zip = new ZipFile();
    // DOS dates are local wall-clock fields and yazl fills them from local time: a Date whose
    // local fields are the UTC ones gives the same bytes in every time zone.
    const m = this.extras.mtime;
    const mtime = new Date(m.getUTCFullYear(), m.getUTCMonth(), m.getUTCDate(), m.getUTCHours(), m.getUTCMinutes(), m.getUTCSeconds());
    for (const [name, entry] of Object.entries(this.zip.files)) {
      if (entry.dir) continue; // folders are implied by the paths
      const data = await entry.async('nodebuffer');
      zip.addBuffer(data, name, { compressionLevel: name === 'mimetype' ? 0 : 6, mtime, forceDosTimestamp: true });
    }
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
}
