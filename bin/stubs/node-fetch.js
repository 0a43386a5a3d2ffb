/*
 * Stands in for the npm package node-fetch in the bundled CLI (bin/juan.js `alias`).
 * epub-gen-memory imports it to download remote images and fonts (util/fetchable.js); juan
 * hands it every image, font and cover as bytes (render/epub/juan-epub.ts overrides the
 * downloads) and refuses remote images, yet the real package and its URL parser (whatwg-url,
 * tr46's mapping table) cost the EPUB thread ~30 ms of loading at every build.
 */
export default function fetch() {
  throw new Error('juan: node-fetch is not bundled (juan never downloads EPUB resources)');
}
