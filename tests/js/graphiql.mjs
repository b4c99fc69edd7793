// GraphiQL in headless Chromium with the network cut: every host but 127.0.0.1 is
// unresolvable and any other address goes to a dead proxy. Opens the page, waits for the
// editor, opens the documentation explorer (it lists the schema's root types once the
// introspection answer has arrived) and takes a screenshot.
// Usage: node graphiql.mjs URL SCREENSHOT — prints what it saw as JSON.
import puppeteer from 'puppeteer-core';

const [url, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--proxy-server=http://127.0.0.1:9',
    '--proxy-bypass-list=127.0.0.1',
  ],
});
const report = { requests: [], failed: [], editor: false, docs: '', loadingLeft: null };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.on('request', (request) => report.requests.push(request.url()));
  page.on('requestfailed', (request) => report.failed.push(request.url()));
  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  try {
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20000 });
    report.editor = true;
    const docs = await page.waitForSelector('[aria-label="Show Documentation Explorer"]', { timeout: 10000 });
    await docs.click();
    await page.waitForFunction(
      () => document.querySelector('.graphiql-doc-explorer')?.innerText.includes('Query'),
      { timeout: 20000 },
    );
    report.docs = await page.$eval('.graphiql-doc-explorer', (el) => el.innerText);
  } catch (error) {
    report.error = String(error);
  }
  report.loadingLeft = await page.$eval('#graphiql', (el) => el.innerText.trim() === 'Loading...');
  await page.screenshot({ path: screenshot });
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
