/*
 * Stands in for the npm package proxy-agent in the bundled CLI (bin/juan.js `alias`).
 * puppeteer-core's @puppeteer/browsers imports it only to download browsers over a proxy
 * (httpUtil.js); juan never downloads one (it runs Debian's /usr/bin/chromium), yet the real
 * package pulls ~1.7 MB of code into every start (quickjs, esprima, escodegen, basic-ftp, socks…)
 * that Node has to parse before the build can begin.
 */
export class ProxyAgent {
  constructor() {
    throw new Error('juan: proxy-agent is not bundled (juan does not download browsers)');
  }
}
