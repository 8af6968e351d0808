// Shared harness: starts a Frontdesk binary on a free loopback port with a fresh data folder,
// and launches Debian's Chromium through playwright-core (no browser download, ever).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.FRONTDESK_BIN;
if (!BIN) throw new Error('set FRONTDESK_BIN to the frontdesk binary (tests/browser/run.sh does)');

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** A running Frontdesk with its own data folder. */
export async function startServer({ demo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-browser-'));
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data'), '--base-url', base];
  if (demo) args.push('--demo');
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FRONTDESK_LOG: 'warn' } });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dir,
    log: () => log,
    /** The newest e-mails in the outbox folder, as raw text (newest first). */
    outbox() {
      const folder = join(dir, 'data', 'outbox');
      let files = [];
      try { files = readdirSync(folder).filter((f) => f.endsWith('.eml')).sort().reverse(); } catch { /* none yet */ }
      return files.map((f) => decodeEml(readFileSync(join(folder, f), 'utf8')));
    },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Decodes the quoted-printable or base64 text parts of an .eml file well enough to find links. */
function decodeEml(raw) {
  const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const b64 = [...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g)]
    .map((m) => Buffer.from(m[1].replace(/\s/g, ''), 'base64').toString('utf8'));
  return [qp, ...b64].join('\n');
}

/** Waits until an e-mail whose text contains `needle` arrives; returns the first matching link. */
export async function waitForLink(server, to, needle, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const mail of server.outbox()) {
      if (!mail.includes(to)) continue;
      const m = mail.match(new RegExp(`https?://[^\\s"<>]*${needle.replace(/[/]/g, '\\/')}[^\\s"<>]*`));
      if (m) return m[0];
    }
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} with ${needle}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A phone-sized browser context. */
export async function phone(browser) {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' });
}
