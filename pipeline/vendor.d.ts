/** Minimal types for untyped packages (fonts, EJS). */
declare module 'fontverter' {
  const fontverter: {
    convert(buffer: Uint8Array, toFormat: 'truetype' | 'sfnt' | 'woff' | 'woff2', fromFormat?: string): Promise<Buffer>;
    detectFormat(buffer: Uint8Array): string;
  };
  export default fontverter;
}
declare module 'ejs' {
  const ejs: { render(template: string, data?: Record<string, unknown>): string };
  export default ejs;
}
declare module 'unicode-name' {
  /** The character's name (`KANGXI RADICAL SUN`, `CJK UNIFIED IDEOGRAPH-3447`), undefined when it has none. */
  export function unicodeName(char: string): string | undefined;
  /** A label for a nameless code point (`<private-use-E000>`). */
  export function unicodeLabel(char: string): string | undefined;
}
