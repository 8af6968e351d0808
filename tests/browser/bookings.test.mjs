// The booking desk in a real browser on a phone-sized screen, with the demo businesses: the
// calendar, a booking made through the new-booking form from live free times, its page, the
// bookings and clients lists, and the restaurant floor. No page may be wider than the phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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

async function signIn(page, email) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('frontdesk-demo');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(/\/app/);
}

async function fitsPhone(page, path) {
  await page.goto(`${server.base}${path}`);
  const [inner, scroll] = await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth]);
  assert.ok(scroll <= inner, `${path} overflows a 390 px screen: ${scroll} > ${inner}`);
}

test('a receptionist books a client from live free times on a phone', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'desk@salon-lumiere.example');
  for (const path of ['/app/calendar', '/app/calendar?view=week', '/app/bookings', '/app/bookings/new', '/app/clients', '/app/waitlist']) {
    await fitsPhone(page, path);
  }
  // The demo salon has bookings in the next days: the list shows them.
  await page.goto(`${server.base}/app/bookings`);
  assert.ok(await page.locator('a[href^="/app/bookings/bk_"]').count() > 0, 'demo bookings are listed');

  // New booking: pick the first service, show free times, pick one, name the client, book.
  await page.goto(`${server.base}/app/bookings/new`);
  const service = page.getByLabel('Service 1');
  const first = await service.locator('option').nth(1).getAttribute('value');
  await service.selectOption(first);
  // The salon opens Tuesday to Saturday: the next such day from tomorrow.
  const day = new Date(Date.now() + 86_400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 1) day.setUTCDate(day.getUTCDate() + 1);
  await page.getByLabel('Date').fill(day.toISOString().slice(0, 10));
  await page.getByRole('button', { name: 'Show free times' }).click();
  const slot = page.locator('input[name="start"]').first();
  await slot.check({ force: true });
  await page.getByLabel('Client name').fill('Giorgia Test');
  await page.getByLabel('Phone').fill('+39 347 111 2233');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await page.waitForURL(/\/app\/bookings\/bk_/);
  const body = await page.textContent('body');
  assert.match(body, /Giorgia Test/);
  assert.match(body, /Confirmed/i);
  await fitsPhone(page, new URL(page.url()).pathname);
  await ctx.close();
});

test('an owner edits the catalogue on a phone', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'owner@salon-lumiere.example');
  for (const path of ['/app/catalogue/services', '/app/catalogue/team', '/app/catalogue/hours']) {
    await fitsPhone(page, path);
  }
  await page.goto(`${server.base}/app/catalogue/services`);
  const edit = page.locator('a[href^="/app/catalogue/services/svc_"]').first();
  await fitsPhone(page, await edit.getAttribute('href'));
  await page.goto(`${server.base}/app/catalogue/team`);
  const res = page.locator('a[href^="/app/catalogue/resources/res_"]').first();
  await fitsPhone(page, await res.getAttribute('href'));
  await ctx.close();
});

test('the restaurant floor fits a phone', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'owner@bep-nha.example');
  for (const path of ['/app/floor', '/app/calendar?by=table', '/app/bookings/new']) {
    await fitsPhone(page, path);
  }
  await ctx.close();
});

test('the restaurant catalogue fits a phone', async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'owner@bep-nha.example');
  for (const path of ['/app/catalogue/tables', '/app/catalogue/combos', '/app/catalogue/periods']) {
    await fitsPhone(page, path);
  }
  for (const [list, link] of [
    ['/app/catalogue/tables', 'a[href^="/app/catalogue/tables/res_"]'],
    ['/app/catalogue/tables', 'a[href^="/app/catalogue/areas/area_"]'],
    ['/app/catalogue/combos', 'a[href^="/app/catalogue/combos/cmb_"]'],
    ['/app/catalogue/periods', 'a[href^="/app/catalogue/periods/per_"]'],
  ]) {
    await page.goto(`${server.base}${list}`);
    const a = page.locator(link).first();
    if (await a.count()) await fitsPhone(page, await a.getAttribute('href'));
  }
  // The main navigation offers the floor.
  await page.goto(`${server.base}/app/business`);
  assert.ok(await page.locator('nav.sidebar a[href^="/app/floor?location="]').count() === 1);
  await ctx.close();
});
