// The dashboard in headless Debian Chromium (playwright-core, no browser download), against a
// seeded `wrangler dev` (scripts/browser_test.sh starts it and runs tests/browser/seed.mjs).
// Env: NUDGE_BASE, NUDGE_TOKEN, CHROMIUM (default /usr/bin/chromium), SCREENSHOTS (a directory).

import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.NUDGE_BASE;
const token = process.env.NUDGE_TOKEN;
const shots = process.env.SCREENSHOTS || 'target/screenshots';
if (!base || !token) {
  console.error('NUDGE_BASE and NUDGE_TOKEN are required');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}
async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name, false, e.stack || String(e));
  }
}

const profile = mkdtempSync(join(tmpdir(), 'nudge-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] || (await context.newPage());
const dialogs = [];
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
const text = (sel) => page.locator(sel).innerText();

try {
  await step('without the cookie a page redirects to the login form', async () => {
    const r = await page.goto(`${base}/dashboard/approvals`);
    check('without the cookie a page redirects to the login form',
      new URL(page.url()).pathname === '/dashboard/login' && r.ok(), page.url());
  });

  await step('a wrong token is refused', async () => {
    await page.fill('#token', 'not-the-token');
    const [resp] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const cookies = await context.cookies();
    check('a wrong token is refused',
      resp.status() === 401 && (await text('main')).includes('not right') &&
      !cookies.some((c) => c.name === 'nudge_session'), `status ${resp.status()}`);
    await shot('login-refused');
  });

  await step('the admin token logs in with an HttpOnly cookie', async () => {
    await page.fill('#token', token);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const c = (await context.cookies()).find((x) => x.name === 'nudge_session');
    check('the admin token logs in with an HttpOnly cookie',
      new URL(page.url()).pathname === '/dashboard' && c && c.httpOnly && c.sameSite === 'Strict' &&
      !c.value.includes(token), JSON.stringify(c));
  });

  await step('the overview chart renders with bars', async () => {
    const charts = await page.locator('svg.chart').count();
    const widths = await page.locator('svg.chart rect.bar').evaluateAll(
      (rs) => rs.map((r) => r.getBBox().width));
    const worklist = await text('main');
    check('the overview chart renders with bars',
      charts >= 3 && widths.filter((w) => w > 0).length >= 2,
      `charts ${charts}, bar widths ${widths}`);
    check('the overview shows the worklist with the disputed account',
      worklist.includes('Worklist') && worklist.includes('Dispute Partners GmbH'));
    await shot('overview');
  });

  await step('accounts search and a hostile name shown as text', async () => {
    await page.goto(`${base}/dashboard/accounts`);
    const all = await text('main table');
    check('the accounts table escapes a hostile name',
      all.includes('<script>alert(1)</script> Hostile & Co') && dialogs.length === 0,
      `dialogs ${dialogs}`);
    await page.fill('#q', 'acme');
    await Promise.all([page.waitForNavigation(), page.click('form[role=search] button')]);
    const rows = await page.locator('main table tbody tr').count();
    check('searching narrows the accounts table',
      rows === 1 && (await text('main table')).includes('Acme Widgets Ltd'), `rows ${rows}`);
    await shot('accounts');
  });

  await step('the account timeline shows a reminder and its reasons', async () => {
    let ok = false;
    let body = '';
    for (let i = 0; i < 20 && !ok; i++) {
      await page.goto(`${base}/dashboard/accounts/erp%3AC-ACME`);
      body = await text('table.timeline');
      const reasons = await page.locator('table.timeline ul.reasons li').count();
      ok = /Message out \(reminder|reminder/i.test(body) && reasons > 0;
      if (!ok) await page.waitForTimeout(500);
    }
    check('the account timeline shows a reminder and its reasons', ok, body.slice(0, 800));
    check('the account page explains the next action',
      (await page.locator('h2:has-text("Next action") + p + ul.reasons li').count()) > 0);
    await shot('account');
  });

  await step('approving a draft by clicking sends it', async () => {
    await page.goto(`${base}/dashboard/approvals`);
    const card = page.locator('article.approval').first();
    const id = await card.getAttribute('data-id');
    const draft = await card.locator('.draft').innerText();
    check('the approvals queue shows the draft as the customer will see it',
      draft.includes('INV-S-1'), draft.slice(0, 300));
    await shot('approvals');
    await Promise.all([page.waitForNavigation(), card.locator('button:has-text("Approve")').click()]);
    const row = page.locator(`table.decided tr[data-id="${id}"]`);
    const status = await row.locator('td.status').innerText();
    const message = await row.locator('td.message').innerText();
    check('the approval moves to approved and its message shows sent',
      status === 'approved' && message === 'sent' &&
      (await page.locator('[role=status]').innerText()).includes('sent'),
      `status ${status}, message ${message}`);
    check('it is no longer pending',
      (await page.locator(`article.approval[data-id="${id}"]`).count()) === 0);
    await shot('approvals-approved');
  });

  await step('resolving a dispute returns its invoice to the preview', async () => {
    await page.goto(`${base}/dashboard/accounts/erp%3AC-DSP`);
    const before = await page.locator('#preview').evaluate((h) => h.nextElementSibling.innerText);
    check('a disputed invoice is not in the preview', !before.includes('erp:I-D1'), before);
    await page.goto(`${base}/dashboard/disputes`);
    const card = page.locator('.card.dispute', { hasText: 'Dispute Partners GmbH' });
    await card.locator('select[name=outcome]').selectOption('withdrawn');
    await card.locator('input[name=note]').fill('Delivery note found');
    await shot('disputes');
    await Promise.all([page.waitForNavigation(), card.locator('button:has-text("Resolve")').click()]);
    const after = await page.locator('#preview').evaluate((h) => h.nextElementSibling.innerText);
    check('resolving the dispute by clicking returns its invoice to the preview',
      new URL(page.url()).pathname === '/dashboard/accounts/erp%3AC-DSP' &&
      (await page.locator('[role=status]').innerText()).includes('resolved') &&
      after.includes('erp:I-D1'), after);
    await page.goto(`${base}/dashboard/disputes`);
    check('the dispute leaves the open list',
      (await page.locator('.card.dispute', { hasText: 'Dispute Partners GmbH' }).count()) === 0);
    await page.goto(`${base}/dashboard/accounts/erp%3AC-DSP`);
    await shot('account-after-dispute');
  });

  await step('a form without its CSRF field is refused', async () => {
    // Through the context's request client: it carries the session cookie (page scripts are
    // barred from fetch by the Content-Security-Policy).
    const r = await context.request.post(`${base}/dashboard/approvals/x/approve`,
      { form: { csrf: 'wrong' }, maxRedirects: 0 });
    const status = r.status();
    check('a form without its CSRF field is refused', status === 403, `status ${status}`);
  });

  await step('logging out ends the session', async () => {
    await page.goto(`${base}/dashboard`);
    await Promise.all([page.waitForNavigation(), page.click('form.logout button')]);
    await page.goto(`${base}/dashboard`);
    check('logging out ends the session', new URL(page.url()).pathname === '/dashboard/login');
  });

  check('no script ran and no page error', dialogs.length === 0 && pageErrors.length === 0,
    `${dialogs} ${pageErrors}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`\n${passed} passed, ${failed} failed (screenshots in ${shots})`);
process.exit(failed === 0 ? 0 : 1);
