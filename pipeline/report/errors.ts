/**
 * Typed errors. Core code throws these; only the CLI catches them, prints one line
 * (stack only with --debug) and sets the exit code from `kind`.
 */
export type ErrorKind =
  /** bad command line or option */
  | 'usage'
  /** book.yaml missing/invalid */
  | 'config'
  /** manuscript unreadable or without content we can publish */
  | 'content'
  /** browser missing, crashed or timed out; PDF/EPUB writer failed */
  | 'render'
  /** `juan check` found a wrong 目录 */
  | 'check';

export const EXIT_CODES: Record<ErrorKind, number> = {
  usage: 2,
  config: 2,
  content: 1,
  render: 1,
  check: 1,
};

export interface JuanErrorOptions {
  file?: string;
  line?: number;
  column?: number;
  /** Rule id or stage name: `toc-entries`, `print:layout`, `config`… */
  source?: string;
  /** What the editor can do about it, in Chinese. */
  hint?: string;
  cause?: unknown;
}

export class JuanError extends Error {
  readonly kind: ErrorKind;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly source?: string;
  readonly hint?: string;

  constructor(kind: ErrorKind, message: string, options: JuanErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'JuanError';
    this.kind = kind;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.source = options.source;
    this.hint = options.hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  /** `file:line:column` or just `file`, for the one-line message. */
  get where(): string {
    if (!this.file) return '';
    if (this.line == null) return this.file;
    return `${this.file}:${this.line}${this.column != null ? `:${this.column}` : ''}`;
  }
}

/**
 * Run `f` without capturing a JavaScript stack trace: VFileMessage is an Error, but vfile-message
 * empties `stack` right after `super()`, so the capture is pure cost (thousands of messages per book).
 */
export function withoutStack<T>(f: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
