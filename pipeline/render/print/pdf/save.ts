/**
 * book.pdf written as pdf-lib's `save()` writes it (object streams of 50 objects, a
 * cross-reference stream, the same object numbers and dictionaries), except that those streams
 * are compressed by Node's zlib instead of pako: pako is zlib in JavaScript, on the main thread at
 * the very end of every build (~0.1–0.3 s for the 1× bench volume, the first save of a process
 * running cold code); Node's zlib does the same in ~15 ms. Both write valid Flate data, but not the
 * same bytes: the objects are identical (tests/print/pdf-save.test.ts compares the decoded files),
 * the compressed bytes are those of the zlib already used for the fonts' streams (pdf/fonts.ts).
 *
 * pdf-lib 1.17.1 (pinned) offers no way to choose its Flate encoder: this is its
 * `PDFStreamWriter.computeBufferSize` with each compressed stream's contents cache replaced
 * before its size is first asked for.
 */
import { deflateSync } from 'node:zlib';
import {
  PDFCrossRefStream,
  PDFDict,
  PDFHeader,
  PDFInvalidObject,
  PDFName,
  PDFNumber,
  PDFObjectStream,
  PDFRef,
  PDFStream,
  PDFStreamWriter,
  PDFTrailer,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';

/** Objects per object stream, as pdf-lib's save() (PDFStreamWriter.forContext's default). */
const OBJECTS_PER_STREAM = 50;

/** What pdf-lib's Flate streams keep their encoded contents in (utils/Cache). */
interface ContentsCache { access(): Uint8Array; invalidate(): void }
interface FlateInternals { contentsCache: ContentsCache; getUnencodedContents(): Uint8Array }
interface WriterInternals {
  context: PDFDocument['context'];
  createTrailerDict(): PDFDict;
  computeIndirectObjectSize(entry: [PDFRef, PDFObject]): number;
  computeBufferSize(): Promise<{ size: number; header: PDFHeader; indirectObjects: Array<[PDFRef, PDFObject]>; trailer: PDFTrailer }>;
}

/** A Flate stream of pdf-lib whose contents are compressed by Node's zlib (its dict, Filter included, unchanged). */
function zlibContents<T extends PDFObjectStream | PDFCrossRefStream>(stream: T): T {
  const s = stream as unknown as FlateInternals;
  let encoded: Uint8Array | undefined;
  s.contentsCache = {
    access: () => (encoded ??= deflateSync(s.getUnencodedContents())),
    invalidate: () => {
      encoded = undefined;
    },
  };
  return stream;
}

/** `doc.save({ objectsPerTick: Infinity })`, the object and cross-reference streams compressed by Node's zlib. */
export async function saveWithZlib(doc: PDFDocument): Promise<Uint8Array> {
  // what save() does before writing (a default page for an empty document; no forms here)
  if (doc.getPageCount() === 0) doc.addPage();
  await doc.flush();
  const writer = PDFStreamWriter.forContext(doc.context, Infinity) as unknown as WriterInternals;
  writer.computeBufferSize = async function (this: WriterInternals) {
    let objectNumber = this.context.largestObjectNumber + 1;
    const header = PDFHeader.forVersion(1, 7);
    let size = header.sizeInBytes() + 2;
    const xrefStream = zlibContents(PDFCrossRefStream.create(this.createTrailerDict(), true));
    const uncompressedObjects: Array<[PDFRef, PDFObject]> = [];
    const compressedObjects: Array<Array<[PDFRef, PDFObject]>> = [];
    const objectStreamRefs: PDFRef[] = [];
    for (const indirectObject of this.context.enumerateIndirectObjects()) {
      const [ref, object] = indirectObject;
      const shouldNotCompress = ref === this.context.trailerInfo.Encrypt || object instanceof PDFStream || object instanceof PDFInvalidObject || ref.generationNumber !== 0;
      if (shouldNotCompress) {
        uncompressedObjects.push(indirectObject);
        xrefStream.addUncompressedEntry(ref, size);
        size += this.computeIndirectObjectSize(indirectObject);
      } else {
        let chunk = compressedObjects[compressedObjects.length - 1];
        let objectStreamRef = objectStreamRefs[objectStreamRefs.length - 1];
        if (!chunk || chunk.length % OBJECTS_PER_STREAM === 0) {
          chunk = [];
          compressedObjects.push(chunk);
          objectStreamRef = PDFRef.of(objectNumber++);
          objectStreamRefs.push(objectStreamRef);
        }
        xrefStream.addCompressedEntry(ref, objectStreamRef!, chunk.length);
        chunk.push(indirectObject);
      }
    }
    compressedObjects.forEach((chunk, i) => {
      const ref = objectStreamRefs[i]!;
      const objectStream = zlibContents(PDFObjectStream.withContextAndObjects(this.context, chunk, true));
      xrefStream.addUncompressedEntry(ref, size);
      size += this.computeIndirectObjectSize([ref, objectStream]);
      uncompressedObjects.push([ref, objectStream]);
    });
    const xrefStreamRef = PDFRef.of(objectNumber++);
    xrefStream.dict.set(PDFName.of('Size'), PDFNumber.of(objectNumber));
    xrefStream.addUncompressedEntry(xrefStreamRef, size);
    const xrefOffset = size;
    size += this.computeIndirectObjectSize([xrefStreamRef, xrefStream]);
    uncompressedObjects.push([xrefStreamRef, xrefStream]);
    const trailer = PDFTrailer.forLastCrossRefSectionOffset(xrefOffset);
    size += trailer.sizeInBytes();
    return { size, header, indirectObjects: uncompressedObjects, trailer };
  };
  return (writer as unknown as PDFStreamWriter).serializeToBuffer();
}
