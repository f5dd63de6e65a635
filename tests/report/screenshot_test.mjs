// The report page rendered by headless Chromium through the DevTools protocol (over a pipe, so
// no WebSocket library is needed): at 1280×900 the screenshot is not blank, the page logs no
// console error or exception, requests nothing but itself, and prints to PDF. Skips (77) when
// Chromium is not installed. SPARKIFY_SCREENSHOT=path keeps the PNG.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Checks, SKIP, expectExit, makeTempDir, runSparkify, sparkifyBin } from '../e2e/lib/harness.mjs';
import { decodePng, inkStats } from './png.mjs';

const chromium = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  .find((p) => p && fs.existsSync(p));
if (!chromium) {
  console.log('SKIP: Chromium is not installed (/usr/bin/chromium; Debian package "chromium", installed by scripts/setup.sh)');
  process.exit(SKIP);
}
sparkifyBin();
const checks = new Checks('report screenshot');
const work = makeTempDir('screenshot');

// A lake from generated input (many matches, rejects, several browsers) and its page.
const input = path.join(work, 'input');
const lake = path.join(work, 'lake');
const page = path.join(work, 'report.html');
for (const args of [
  ['generate', '--output', input, '--songs', '800', '--events', '30000', '--seed', '3', '--days', '30', '--bad-fraction', '0.005'],
  ['etl', '--input', input, '--output', lake, '--no-progress'],
  ['report', '--lake', lake, '--output', page],
]) {
  const r = await runSparkify(args);
  if (!(await checks.check(`sparkify ${args[0]} exits 0`, async () => expectExit(r, 0)))) checks.finish();
}

/** Chromium driven over --remote-debugging-pipe: fd 3 carries commands in, fd 4 replies out. */
class Browser {
  constructor() {
    this.profile = fs.mkdtempSync(path.join(work, 'profile-'));
    this.proc = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
      '--remote-debugging-pipe', '--no-first-run', '--no-default-browser-check', '--mute-audio',
      `--user-data-dir=${this.profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.nextId = 1;
    this.pending = new Map();
    this.events = [];
    this.waiters = [];
    let buffered = '';
    this.proc.stdio[4].on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nul;
      while ((nul = buffered.indexOf('\0')) >= 0) {
        const msg = JSON.parse(buffered.slice(0, nul));
        buffered = buffered.slice(nul + 1);
        if (msg.id && this.pending.has(msg.id)) {
          const { resolve, reject } = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
          else resolve(msg.result);
        } else if (msg.method) {
          this.events.push(msg);
          this.waiters = this.waiters.filter((w) => !(w.method === msg.method && (w.resolve(msg), true)));
        }
      }
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.stdio[3].write(`${msg}\0`);
    });
  }

  waitFor(method, ms = 30_000) {
    const seen = this.events.find((e) => e.method === method);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${ms} ms`)), ms);
      this.waiters.push({ method, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  async close() {
    await this.send('Browser.close').catch(() => {});
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const browser = new Browser();
let png;
let pdf;
try {
  const guard = setTimeout(() => browser.proc.kill('SIGKILL'), 120_000);
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
  const s = (method, params) => browser.send(method, params, sessionId);
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await s(`${domain}.enable`);
  await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
  browser.events.length = 0;
  await s('Page.navigate', { url: pathToFileURL(page).href });
  await browser.waitFor('Page.loadEventFired');
  png = Buffer.from((await s('Page.captureScreenshot', { format: 'png' })).data, 'base64');
  pdf = Buffer.from((await s('Page.printToPDF', { printBackground: false })).data, 'base64');
  clearTimeout(guard);
} catch (e) {
  await checks.check('Chromium renders the page', async () => {
    throw new Error(`${e.message}\nchromium stderr:\n${browser.stderr.slice(-2000)}`);
  });
}
await browser.close();

if (png) {
  if (process.env.SPARKIFY_SCREENSHOT) fs.writeFileSync(process.env.SPARKIFY_SCREENSHOT, png);
  await checks.check('the screenshot is 1280×900 and not blank', async () => {
    const img = decodePng(png);
    assert.deepStrictEqual([img.width, img.height], [1280, 900]);
    const { ink, colours } = inkStats(img);
    assert.ok(ink > 0.05, `only ${(ink * 100).toFixed(1)}% of the pixels differ from the background`);
    assert.ok(colours > 20, `only ${colours} colours: nothing was drawn`);
  });
  await checks.check('no console error, exception or failed load', async () => {
    const bad = browser.events.filter((e) =>
      (e.method === 'Runtime.consoleAPICalled' && ['error', 'assert', 'warning'].includes(e.params.type)) ||
      e.method === 'Runtime.exceptionThrown' ||
      (e.method === 'Log.entryAdded' && ['error', 'warning'].includes(e.params.entry.level)) ||
      e.method === 'Network.loadingFailed');
    assert.deepStrictEqual(bad.map((e) => JSON.stringify(e.params).slice(0, 300)), []);
  });
  await checks.check('the page loads nothing but itself', async () => {
    const urls = browser.events.filter((e) => e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url);
    assert.deepStrictEqual(urls, [pathToFileURL(page).href]);
  });
  await checks.check('the page prints (PDF of more than one page)', async () => {
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 2, `${pages} PDF pages`);
  });
}
checks.finish();
