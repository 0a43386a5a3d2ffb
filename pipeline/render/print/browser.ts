/**
 * Headless Chromium for the print build: found on the system (never downloaded),
 * launched once per build and reused across stages, every request outside our loopback
 * server blocked, every stage under a time limit. Driven over the DevTools protocol by
 * puppeteer-core (a pipe, no port): it loads in ~0.2 s where playwright-core took ~0.6 s of
 * a build's start, before which nothing else can begin.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import { JuanError } from '../../report/errors.ts';
import { timed } from '../../report/debug-timing.ts';

/**
 * Chromium features turned off (puppeteer-core adds them to its own list: Chromium honours
 * only one --disable-features flag). Every browser window of headless Chromium 15x preloads
 * the address bar's WebUI popups in a renderer of their own, ~1.7 s of CPU per window that a
 * book never uses.
 */
export const DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

/** The flags this machine's Chromium is run with (the bench runs Chromium alone with them too). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
];

/**
 * puppeteer-core's default flags the build does without: a tagged PDF and an outline from
 * the headings cost Chromium time for every PDF it prints, and merge.ts builds the book's
 * outline itself from the volume model (the tabs' PDFs are merged, their tags would not survive).
 */
const IGNORED_DEFAULT_ARGS = ['--export-tagged-pdf', '--generate-pdf-document-outline'];

/**
 * The HTTP cache's limit in a profile on the RAM file system: a build's own files take ~5 MB
 * (Paged.js, the handlers, the font subsets), but juan preview keeps one browser for a whole
 * editing session and every build serves them from a new origin — unbounded, that would be
 * RAM taken build after build.
 */
export const RAM_PROFILE_CACHE = 32 * 2 ** 20;

/**
 * Where a launch keeps the browser's profile: a new folder on the RAM file system when it has
 * room, else puppeteer-core's own temporary folder (undefined). Chromium writes a new profile
 * at every start (preferences, databases, its HTTP cache of our scripts and fonts); on this
 * machine's disk that cost ~0.1 CPU-s and ~60 ms before the first page had loaded
 * (alternating launches + one shell tab, 6 rounds each: browser processes 0.59 → 0.49 CPU-s,
 * shell loaded at 0.48 → 0.42 s), and removing it ~60–90 ms of the close. Alternating builds
 * of the bench volume: warm (one paragraph) first layout 0.97/1.05 → 0.93/0.97 s, wall
 * 1.94/2.00 → 1.88/1.97 s; cold first layout 1.39 → 1.36 s, wall 4.37 → 4.32 s (means of
 * 7–8 rounds). Each launch gets a folder of its own, removed when the browser is closed or
 * Node exits.
 */
export function ramProfileDir(root = '/dev/shm', minFree = 256 * 2 ** 20): string | undefined {
  try {
    const fs = statfsSync(root);
    if (fs.bavail * fs.bsize < minFree) return undefined; // a small /dev/shm (containers: 64 MB) is left to shared memory
    return mkdtempSync(join(root, 'juan-chromium-'));
  } catch {
    return undefined;
  }
}

const KNOWN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Path of a Chromium/Chrome binary: $JUAN_CHROMIUM, $CHROME_PATH, then the usual Debian paths. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  for (const name of ['JUAN_CHROMIUM', 'CHROME_PATH'] as const) {
    const value = env[name];
    if (value) {
      if (exists(value)) return value;
      throw new JuanError('render', `环境变量 ${name} 指向的 Chromium 不存在：\`${value}\``, {
        source: 'print:browser',
        hint: '改正该路径，或删去该变量以使用 /usr/bin/chromium',
      });
    }
  }
  const found = KNOWN_PATHS.find((p) => exists(p));
  if (found) return found;
  throw new JuanError('render', `找不到 Chromium 浏览器（已查找 JUAN_CHROMIUM、CHROME_PATH、${KNOWN_PATHS.join('、')}）`, {
    source: 'print:browser',
    hint: '运行 npm run setup，或 apt-get install chromium，或设置 JUAN_CHROMIUM=/path/to/chrome',
  });
}

/**
 * Runs `fn` with a time limit; on timeout or failure throws a JuanError naming the stage. The
 * limit may be a function: it is then read again every 200 ms (a launch started before
 * book.yaml, which sets it, was read).
 */
export async function withStage<T>(stage: string, timeoutMs: number | (() => number), fn: () => Promise<T>, abort?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  const limit = typeof timeoutMs === 'function' ? timeoutMs : () => timeoutMs;
  const timeout = new Promise<never>((_, reject) => {
    const fire = () => {
      abort?.();
      reject(
        new JuanError('render', `排版阶段「${stage}」超时（${Math.round(limit() / 1000)} 秒）`, {
          source: `print:${stage}`,
          hint: '书稿很大时在 book.yaml 中调大 build.timeoutSeconds；用 --debug 查看浏览器日志',
        }),
      );
    };
    if (typeof timeoutMs === 'number') timer = setTimeout(fire, timeoutMs);
    else {
      timer = setInterval(() => {
        if (performance.now() - started >= limit()) {
          clearInterval(timer);
          fire();
        }
      }, 200);
    }
  });
  try {
    return await Promise.race([fn(), timeout]);
  } catch (error) {
    if (error instanceof JuanError) throw error;
    // The driver may append a call log; the first line says what happened (the rest: --debug).
    const first = String((error as Error)?.message ?? error).split('\n')[0]!.replace(/^\w+\.\w+: /, '');
    throw new JuanError('render', `排版阶段「${stage}」失败：${first}`, {
      source: `print:${stage}`,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    clearInterval(timer);
  }
}

/** A Chromium being launched before its time limit is known; setTimeLimit applies one, counted from the launch's start. */
export interface LaunchingBrowser {
  session: Promise<BrowserSession>;
  setTimeLimit(timeoutMs: number): void;
}

interface Window {
  page: Page;
  crashed: Promise<never>;
  /** Close the window, without waiting for it to go (a build waited ~40 ms per tab before its merge); never rejects. */
  close(): Promise<void>;
}

/** One Chromium for a whole build. Create with `BrowserSession.launch()`, always `close()`. */
export class BrowserSession {
  private closed = false;
  /** Browser console lines and page errors, for --debug and error messages. */
  readonly log: string[] = [];

  private constructor(
    readonly browser: Browser,
    readonly executablePath: string,
    /** The profile folder this session made (ramProfileDir), removed at close. */
    private readonly profile?: string,
  ) {
    if (profile) process.once('exit', this.removeAtExit);
    this.initialPage = browser.pages().then((pages) => (pages.length === 1 && pages[0]!.url() === 'about:blank' ? pages[0]! : null));
    this.initialPage.catch(() => {});
  }

  /**
   * Launch now with a time limit given later (the CLI starts Chromium before it has read
   * book.yaml's build.timeoutSeconds): until then the limit is `timeoutMs` (default 10 min).
   */
  static start(options: { executablePath?: string; timeoutMs?: number } = {}): LaunchingBrowser {
    let limit = options.timeoutMs ?? 600_000;
    const session = BrowserSession.launch({ ...options, timeoutMs: () => limit });
    return { session, setTimeLimit: (ms) => void (limit = ms) };
  }

  static async launch(options: { executablePath?: string; timeoutMs?: number | (() => number) } = {}): Promise<BrowserSession> {
    const executablePath = options.executablePath ?? findChromium();
    const given = options.timeoutMs ?? 60_000;
    const timeout = typeof given === 'function' ? given : () => given;
    let profile: string | undefined;
    const launch = () => {
      // A launch that runs out of time is aborted: the browser process is killed, not left behind.
      const controller = new AbortController();
      removeProfile(profile); // a failed first try's
      profile = ramProfileDir();
      const starting = puppeteer.launch({
        executablePath,
        userDataDir: profile, // undefined: puppeteer-core makes (and removes) one in the temporary folder
        args: [...CHROMIUM_ARGS.filter((a) => a !== '--headless'), ...(profile ? [`--disk-cache-size=${RAM_PROFILE_CACHE}`] : [])], // headless: true adds its own
        headless: true,
        pipe: true,
        signal: controller.signal,
        timeout: 0, // withStage keeps the time
        // Each stage has its own time limit (withStage); a protocol call may take as long.
        protocolTimeout: Math.max(timeout(), 60_000),
        ignoreDefaultArgs: IGNORED_DEFAULT_ARGS,
        defaultViewport: null,
        handleSIGINT: true,
      });
      return withStage('launch', timeout, () => starting, () => controller.abort());
    };
    let browser: Browser;
    try {
      browser = await timed('browser', 'launch', launch);
    } catch (first) {
      // A browser that crashed or hung at start gets one more try, then the error names it.
      try {
        browser = await launch();
      } catch (error) {
        removeProfile(profile);
        const e = error as JuanError;
        throw new JuanError('render', `Chromium 两次启动都失败（${executablePath}）：${e.message}`, {
          source: 'print:launch', hint: e.hint ?? '运行 npm run setup 重装 chromium，或用 JUAN_CHROMIUM 指定另一个浏览器', cause: first,
        });
      }
    }
    const session = new BrowserSession(browser, executablePath, profile);
    if (process.env.JUAN_PROFILE_LAYOUT) await session.startTrace();
    return session;
  }

  /**
   * JUAN_PROFILE_LAYOUT=dir (off by default, for whoever tunes the layout): a Chrome trace of
   * the whole browser — every renderer's JS samples, style recalcs and layouts — written to
   * dir/layout-<time>.json when the browser closes; bench/layout-profile.ts summarises it, or
   * open it in DevTools' Performance panel.
   */
  private trace: CDPSession | null = null;

  private async startTrace(): Promise<void> {
    this.trace = await this.browser.target().createCDPSession();
    await this.trace.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: {
        recordMode: 'recordContinuously',
        includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'blink', 'cc', 'toplevel', ...(process.env.JUAN_PROFILE_STACKS ? ['disabled-by-default-devtools.timeline.stack'] : [])],
      },
    });
  }

  private async stopTrace(): Promise<void> {
    const trace = this.trace;
    if (!trace) return;
    this.trace = null;
    const done = new Promise<string>((resolve) => trace.once('Tracing.tracingComplete', (e: { stream?: string }) => resolve(e.stream!)));
    await trace.send('Tracing.end');
    const stream = await done;
    const parts: Buffer[] = [];
    for (;;) {
      const chunk = await trace.send('IO.read', { handle: stream, size: 1 << 22 });
      parts.push(Buffer.from(chunk.data, chunk.base64Encoded ? 'base64' : 'utf8'));
      if (chunk.eof) break;
    }
    await trace.send('IO.close', { handle: stream });
    const dir = process.env.JUAN_PROFILE_LAYOUT!;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `layout-${Date.now()}.json`), Buffer.concat(parts));
  }

  /**
   * A window with a page of its own — once, the page Chromium opens at launch, which already
   * has its renderer process. All in the browser's default context: a browser context of its
   * own for the second window cost ~1 CPU-s a build (alternating cold builds, 6 rounds: 19.3 →
   * 18.3 CPU-s, 10.3 → 9.8 s), and the windows load the same files from our own server.
   */
  private async openWindow(minimized: boolean): Promise<Window> {
    const initial = this.initialPage;
    this.initialPage = null;
    const page = (initial && (await initial.catch(() => null))) || (await timed('browser', 'page', () => this.browser.newPage()));
    const close = async () => void page.close().catch(() => {});
    // Stages have their own time limits (withStage).
    page.setDefaultTimeout(0);
    page.setDefaultNavigationTimeout(0);
    if (minimized) {
      // Nothing is drawn for a minimized window: Paged.js's pages are not painted and
      // composited while they are laid out (the print is drawn on its own). Its frames are
      // throttled too — paged-handlers.js does not wait for them.
      const cdp = await page.createCDPSession();
      const { windowId } = await cdp.send('Browser.getWindowForTarget');
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
      await cdp.detach();
    }
    page.on('console', (msg) => this.log.push(`console.${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => this.log.push(`pageerror: ${(err as Error)?.message ?? String(err)}`));
    const crashed = new Promise<never>((_, reject) => {
      page.on('error', () => reject(new Error('浏览器页面崩溃')));
      this.browser.on('disconnected', () => reject(new Error('浏览器意外退出')));
    });
    crashed.catch(() => {});
    return { page, crashed, close };
  }

  /** The blank page Chromium opened at launch, until a window takes it. */
  private initialPage: Promise<Page | null> | null;

  /** Minimized windows opened ahead (warmWindows), taken by newPage. */
  private spare: Array<Promise<Window>> = [];

  /**
   * Open `count` minimized windows now, before anything is known about what they will show:
   * a window is a new renderer process (~0.3 s alone, twice that two at once), which the
   * browser then starts while Node reads the book. newPage takes them first.
   */
  warmWindows(count: number): void {
    for (let i = this.spare.length; i < count; i++) {
      const window = this.openWindow(true);
      window.catch(() => {}); // newPage opens another one then
      this.spare.push(window);
    }
  }

  /**
   * A fresh page whose requests may only go to `origin` (our loopback server); everything
   * else is aborted. A crash of the page rejects `crashed`.
   */
  async newPage(origin: string, options: { intercept?: boolean; minimized?: boolean } = {}): Promise<Window> {
    if (this.closed) throw new JuanError('render', '浏览器已关闭', { source: 'print:browser' });
    const intercept = options.intercept ?? true;
    const minimized = options.minimized ?? false;
    const warm = minimized ? this.spare.shift() : undefined;
    const window = (warm && (await warm.catch(() => null))) || (await this.openWindow(minimized));
    const { page } = window;
    if (intercept) {
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = request.url();
        if (url === origin || url.startsWith(origin + '/')) return void request.continue();
        this.log.push(`blocked: ${url}`);
        return void request.abort('blockedbyclient');
      });
    } else {
      // Without interception (which turns Chromium's cache off: every chunk would fetch and
      // decode every font again) the server's Content-Security-Policy keeps the page to our
      // origin; anything else the page tries is still logged, and fails.
      page.on('request', (request) => {
        const url = request.url();
        if (!(url === origin || url.startsWith(origin + '/') || url.startsWith('data:'))) this.log.push(`blocked: ${url}`);
      });
    }
    return window;
  }

  private closing: Promise<void> | null = null;

  /** Node exits with the browser open (the browser dies with it: puppeteer-core kills it). */
  private readonly removeAtExit = () => removeProfile(this.profile);

  /**
   * Close the browser; a second call waits for the first one. It is killed, not asked to quit:
   * a graceful Browser.close let the build wait ~0.2–0.3 s (renderers shutting down, the
   * profile written) for a browser whose work is done and whose profile puppeteer-core deletes
   * anyway. SIGKILL goes to its process group (puppeteer-core starts Chromium as a group
   * leader: every renderer, the zygote and the GPU process end with it, nothing is left
   * behind); puppeteer-core then removes the temporary profile as after any exit.
   */
  close(): Promise<void> {
    this.closed = true;
    this.spare = [];
    this.closing ??= timed('browser', 'close', async () => {
      await this.stopTrace().catch(() => {});
      killProcessGroup(this.browser.process()?.pid);
      await this.browser.close().catch(() => {});
      process.off('exit', this.removeAtExit);
      removeProfile(this.profile);
    });
    return this.closing;
  }
}

function removeProfile(dir: string | undefined): void {
  if (!dir) return;
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    /* left in /dev/shm: nothing reads it again */
  }
}

/** SIGKILL to the process group `pid` leads (the browser and every process it started). */
export function killProcessGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL'); // not a group leader after all: the browser alone, its children see it go
    } catch {
      /* already gone */
    }
  }
}
