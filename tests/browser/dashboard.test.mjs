// The foundation's flows in a real browser on a phone-sized screen: sign up, invite a
// receptionist who accepts from the e-mailed link, create an API key and use it, the audit log,
// sign out, and a magic-link sign-in read from the outbox folder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phone, startServer, waitForLink } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an owner signs up, invites a receptionist, creates an API key and signs in by magic link', async () => {
  const owner = await phone(browser);
  const page = await owner.newPage();
  await page.goto(`${server.base}/signup`);
  await page.getByLabel('Business name').fill('Salon Prova');
  await page.getByLabel('Your name').fill('Paola Bianchi');
  await page.getByLabel('E-mail').fill('paola@prova.example');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: /create/i }).click();
  await page.waitForURL(/\/app$/);
  await assert.doesNotReject(page.getByText('Salon Prova').first().waitFor());

  // Invite a receptionist.
  await page.goto(`${server.base}/app/team`);
  await page.getByLabel('E-mail', { exact: true }).fill('desk@prova.example');
  await page.getByLabel('Role', { exact: true }).selectOption('receptionist');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const invite = await waitForLink(server, 'desk@prova.example', '/invite/');

  // The receptionist accepts in another browser.
  const desk = await phone(browser);
  const dpage = await desk.newPage();
  await dpage.goto(invite);
  await dpage.getByLabel('Your name').fill('Davide');
  await dpage.getByLabel(/password/i).first().fill('desk password 12');
  await dpage.getByRole('button', { name: /join|accept/i }).click();
  await dpage.waitForURL(/\/app$/);
  assert.match(await dpage.textContent('body'), /receptionist/i);
  assert.equal(await dpage.locator('a[href="/app/keys"]').count(), 0, 'no Keys link for a receptionist');
  const keysAsDesk = await dpage.goto(`${server.base}/app/keys`);
  assert.equal(keysAsDesk.status(), 403);

  // The owner sees the new member and creates an API key.
  await page.goto(`${server.base}/app/team`);
  assert.match(await page.textContent('body'), /desk@prova\.example/);
  await page.goto(`${server.base}/app/keys`);
  await page.getByLabel('Label', { exact: true }).first().fill('Website');
  await page.getByRole('button', { name: /create api key/i }).click();
  const key = await page.locator('#new-key').inputValue();
  assert.match(key, /^ak_[A-Za-z0-9_-]{86}$/, 'the new key is shown once');
  const res = await fetch(`${server.base}/api/v1/business`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).name, 'Salon Prova');
  await page.goto(`${server.base}/app/keys`);
  assert.ok(!(await page.content()).includes(key), 'never shown again');

  // No dashboard page is wider than a phone screen (tables scroll inside their cards).
  for (const path of ['/app', '/app/business', '/app/locations', '/app/team', '/app/keys', '/app/support', '/app/audit', '/app/jobs', '/app/outbox', '/app/account']) {
    await page.goto(`${server.base}${path}`);
    const [inner, scroll] = await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth]);
    assert.ok(scroll <= inner, `${path} overflows a 390 px screen: ${scroll} > ${inner}`);
  }

  // The audit log shows what happened.
  await page.goto(`${server.base}/app/audit`);
  const audit = await page.textContent('body');
  for (const action of ['signup', 'team.invited', 'team.joined', 'api_key.created']) {
    assert.ok(audit.includes(action), `${action} in the audit log`);
  }

  // Sign out, then back in with a magic link from the outbox.
  await page.getByRole('button', { name: /sign out/i }).click();
  await page.goto(`${server.base}/app`);
  await page.waitForURL(/\/login/);
  await page.goto(`${server.base}/login/magic`);
  await page.getByLabel('E-mail').fill('paola@prova.example');
  await page.getByRole('button', { name: 'Send the link' }).click();
  const magic = await waitForLink(server, 'paola@prova.example', '/auth/magic/');
  await page.goto(magic);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(/\/app$/);
  assert.match(await page.textContent('body'), /Salon Prova/);
  await owner.close();
  await desk.close();
});
