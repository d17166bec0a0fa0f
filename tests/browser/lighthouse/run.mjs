// Lighthouse's accessibility audits for a list of pages, in the Chromium the test started and
// logged in: puppeteer connects to its debugging port, so the tab has the session cookie. Each
// page is loaded (or, named "tab:URL", found already open in the tab the test left on it after
// sending a form), then audited as it stands (a snapshot: no waiting for the network to go quiet,
// which a page that polls for news never does). One JSON line per page: the score and every
// audit that did not pass.
import {snapshot} from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [port, ...urls] = process.argv.slice(2);
const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${port}`, defaultViewport: null});
const page = await browser.newPage();
const opened = await browser.pages();
const config = {extends: 'lighthouse:default', settings: {onlyCategories: ['accessibility'], disableFullPageScreenshot: true}};
for (const arg of urls) {
  let url = arg;
  let tab = page;
  if (arg.startsWith('tab:')) {
    url = arg.slice(4);
    tab = opened.find((p) => p !== page && p.url() === url);
    if (!tab) throw new Error(`no tab open on ${url}`);
  } else {
    await page.goto(url, {waitUntil: 'load'});
  }
  const {lhr} = await snapshot(tab, {config});
  const failed = Object.values(lhr.audits)
    .filter((a) => a.scoreDisplayMode === 'binary' && a.score !== 1)
    .map((a) => ({
      id: a.id,
      title: a.title,
      nodes: (a.details?.items ?? []).slice(0, 5).map((i) => i.node?.selector ?? i.node?.snippet ?? ''),
    }));
  console.log(JSON.stringify({
    url,
    final_url: lhr.finalDisplayedUrl,
    score: lhr.categories.accessibility.score,
    passed: Object.values(lhr.audits).filter((a) => a.scoreDisplayMode === 'binary' && a.score === 1).length,
    failed,
    error: lhr.runtimeError?.message ?? null,
  }));
}
await page.close();
await browser.disconnect();
