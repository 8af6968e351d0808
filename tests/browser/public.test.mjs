// The customer's journey in a real browser on a phone-sized screen, with the demo salon: choose a
// service, a day (the times of another day come without reloading) and a time, give details,
// read the 6-digit code in the owner's dashboard outbox, confirm, open the link from the
// confirmation text, move the booking to another free time, cancel it — while the owner's open
// calendar of that day updates itself live. No page may be wider
// than the phone, and the embed mode may be framed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, phone, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function fitsPhone(page, what) {
  const [inner, scroll] = await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth]);
  assert.ok(scroll <= inner, `${what} overflows a 390 px screen: ${scroll} > ${inner}`);
}

/** The owner's dashboard outbox, read until a text message matches `re`; returns the match. */
async function fromDashboardOutbox(owner, re, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await owner.goto(`${server.base}/app/outbox`);
    const texts = await owner.locator('.sms-body').allTextContents();
    for (const t of texts) {
      const m = t.match(re);
      if (m) return m;
    }
    if (Date.now() > deadline) throw new Error(`no text message matching ${re} in the outbox:\n${texts.join('\n')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test('a customer books on a phone, confirms with the texted code, moves and cancels through the link', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // Step 1: the demo salon's page, in the browser's language (English).
  await page.goto(`${server.base}/salon-lumiere`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('heading', { name: 'What would you like to book?' }).waitFor();
  await fitsPhone(page, 'the services step');
  await page.getByLabel(/Cut & blow-dry/).check();
  await page.getByRole('button', { name: 'Choose a time' }).click();

  // Step 2: days with free times; another day's times come without a reload (first-party script).
  await page.getByRole('heading', { name: 'When?' }).waitFor();
  await fitsPhone(page, 'the times step');
  const days = page.locator('a.day');
  assert.ok(await days.count() >= 4, 'two weeks of days with free times');
  // A day at least three days ahead: the default 24-hour cut-offs still allow moving it.
  const today = new Date();
  let chosen = null;
  for (let i = 0; i < await days.count(); i++) {
    const d = await days.nth(i).getAttribute('data-date');
    if ((new Date(`${d}T12:00:00Z`) - today) / 86_400_000 >= 3) { chosen = days.nth(i); break; }
  }
  assert.ok(chosen, 'a day three days ahead');
  const label = await chosen.getAttribute('aria-label');
  const chosenDate = await chosen.getAttribute('data-date');
  await page.evaluate(() => { window.samePage = true; });
  await chosen.click();
  await page.getByRole('heading', { name: `Free times on ${label}` }).waitFor();
  assert.equal(await chosen.getAttribute('aria-current'), 'date');
  assert.equal(await page.evaluate(() => window.samePage), true, 'the times came without a reload');
  const times = page.locator('a.time');
  assert.ok(await times.count() > 2, 'free times of that day');
  await times.nth(2).click();

  // Step 3: details and summary.
  await page.getByRole('heading', { name: 'Your details' }).waitFor();
  await fitsPhone(page, 'the details step');
  assert.match(await page.textContent('dl.summary'), /Cut & blow-dry/);
  await page.getByLabel('Your name').fill('Giorgia Browser');
  await page.getByLabel('Mobile phone').fill('347 111 2233');
  await page.getByRole('button', { name: 'Book and text me the code' }).click();
  await page.waitForURL(/\/manage\/mb_/);
  await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  assert.match(await page.textContent('main'), /\+39 ••• •••233/);
  await fitsPhone(page, 'the code step');

  // The code, as the business sees it in its dashboard outbox.
  const ownerCtx = await browser.newContext();
  const owner = await ownerCtx.newPage();
  await owner.goto(`${server.base}/login`);
  await owner.getByLabel('E-mail').fill('owner@salon-lumiere.example');
  await owner.getByLabel('Password').fill('frontdesk-demo');
  await owner.getByRole('button', { name: /sign in/i }).click();
  await owner.waitForURL(/\/app/);
  const [, code] = await fromDashboardOutbox(owner, /(\d{6}) is your Salon Lumière code/);
  // The staff calendar of that day stays open: it must learn of the customer's changes live.
  const calendar = await ownerCtx.newPage();
  const calendarErrors = [];
  calendar.on('pageerror', (e) => calendarErrors.push(e.message));
  await calendar.goto(`${server.base}/app/calendar?date=${chosenDate}`);
  await calendar.evaluate(() => { window.notReloaded = true; });

  // A wrong code first, then the right one.
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  await page.getByLabel('6-digit code').fill(wrong);
  await page.getByRole('button', { name: 'Confirm my booking' }).click();
  await page.getByText('That code is not right.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-code', 'focus stays on the code');
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Confirm my booking' }).click();
  await page.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor();
  assert.match(await page.textContent('main'), /We will send you a reminder on/);
  // The owner's open calendar shows the booking (it was drawn live if it came after the page).
  await calendar.waitForFunction(() => document.getElementById('main').innerHTML.includes('Giorgia Browser'), null, { timeout: 10_000 });

  // The confirmation text carries the link to the booking; open it.
  const [link] = await fromDashboardOutbox(owner, /https?:\/\/\S+\/manage\/mb_[A-Za-z0-9_-]+/);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor();
  await fitsPhone(page, 'the booking page');
  const when = await page.locator('dl.summary').textContent();

  // Move it to another free time of the same day.
  await page.locator('#move input[name="start"]').first().check();
  await page.getByRole('button', { name: 'Move my booking' }).click();
  await page.getByText('Your booking has moved.').waitFor();
  assert.notEqual(await page.locator('dl.summary').textContent(), when, 'the time changed');

  // Cancel it (the script asks first).
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Cancel my booking' }).click();
  await page.getByRole('heading', { name: 'This booking is cancelled' }).waitFor();
  await page.getByRole('link', { name: 'Book again' }).waitFor();
  await fitsPhone(page, 'the cancelled booking');

  // The open calendar heard of it and redrew itself without a reload (server-sent events).
  await calendar.waitForFunction(() => !document.getElementById('main').innerHTML.includes('Giorgia Browser'), null, { timeout: 10_000 });
  await calendar.getByText('Updated just now.').waitFor();
  assert.equal(await calendar.evaluate(() => window.notReloaded), true, 'updated in place');

  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(calendarErrors, [], 'no script errors on the calendar');
  await ownerCtx.close();
  await ctx.close();
});

test('the booking page can be embedded with the script tag', async () => {
  // "The business's own site": a page on another origin that carries the script tag.
  const site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="it"><head><title>Salon</title></head><body><h1>Il nostro salone</h1>
      <script src="${server.base}/widget.js" data-slug="salon-lumiere" data-lang="it" async></script></body></html>`);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${site.address().port}/`);
  const frame = page.frameLocator('iframe[data-frontdesk="salon-lumiere"]');
  await frame.getByRole('heading', { name: 'Cosa vuoi prenotare?' }).waitFor();
  // The frame grows to its content (the page reports its height to the script).
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height || '0', 10) > 320);
  await ctx.close();
  await new Promise((r) => site.close(r));
});
