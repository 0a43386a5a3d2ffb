/** A PDF's bytes post-processed as the build does it to the merged book (load, postprocessDocument, save). */
import type { PageMap, Volume } from '../../pipeline/model/types.ts';
import { loadPdf } from '../../pipeline/render/print/merge.ts';
import { postprocessDocument, type PostprocessOptions } from '../../pipeline/render/print/postprocess.ts';

export async function postprocessPdf(pdf: Uint8Array, volume: Volume, pageMap: PageMap, options: PostprocessOptions): Promise<Uint8Array> {
  const doc = await loadPdf(pdf);
  postprocessDocument(doc, volume, pageMap, options);
  return doc.save({ objectsPerTick: Infinity });
}
