// Seeds a running `wrangler dev` (TEST_CLOCKS on) with a small book for the dashboard and its
// browser test, through the operator API only:  node tests/browser/seed.mjs BASE_URL ADMIN_TOKEN
// Accounts: one reminded (a sent reminder with its reasons on the timeline), one in shadow mode
// (a draft to approve), one with an open dispute, one in USD, one with a hostile name.

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node tests/browser/seed.mjs BASE_URL ADMIN_TOKEN');
  process.exit(2);
}

async function api(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

const account = (id, name, currency = 'EUR') => ({
  id, stripe_id: null, erp_id: id.replace(/^erp:/, ''), name, currency,
  timezone: 'Europe/London', locale: 'en-GB', payment_terms_days: 30, strategic: false,
  owner: null, credit_limit: null, tags: [], dunning_enabled: true,
});
const contact = (email, name) => ({ email, name, role: 'ap', status: 'active', preferred: true });
const invoice = (id, number, issue, due, total, currency = 'EUR') => ({
  id, number, issue_date: issue, due_date: due, currency, total, paid: '0', credited: '0',
  status: 'open', paid_on: null, po_number: null, payment_url: 'https://pay.example/i',
  pdf_url: null, auto_collection: false, auto_collection_exhausted: false,
});
const book = (acct, contacts, invoices, extra = {}) => ({
  account: acct, deleted: false, contacts, invoices, payments: [], payment_refs: {},
  credit_notes: [], promises: [], disputes: [], ...extra,
});

export const NOW = '2026-03-04T10:00:00Z';

await api('POST', '/api/clock', { now: NOW });
await api('POST', '/api/sweeps/seed', {
  accounts: [
    { book: book(account('erp:C-ACME', 'Acme Widgets Ltd'), [contact('ap@acme.example', 'Alex AP')], [
      invoice('erp:I-A1', 'INV-A-1', '2025-12-20', '2026-01-19', '1200.00'),
      invoice('erp:I-A2', 'INV-A-2', '2026-01-25', '2026-02-24', '480.00'),
      invoice('erp:I-A3', 'INV-A-3', '2026-02-20', '2026-03-22', '300.00'),
    ]) },
    { shadow_mode: true, book: book(account('erp:C-SHADOW', 'Shadow Components'), [contact('ap@shadow.example', 'Sam')], [
      invoice('erp:I-S1', 'INV-S-1', '2026-01-03', '2026-02-02', '750.00'),
    ]) },
    { book: book(account('erp:C-DSP', 'Dispute Partners GmbH'), [contact('ap@dispute.example', 'Dana')], [
      invoice('erp:I-D1', 'INV-D-1', '2026-01-21', '2026-02-20', '500.00'),
      invoice('erp:I-D2', 'INV-D-2', '2026-01-26', '2026-02-25', '250.00'),
    ], { disputes: [{
      id: 'dsp-1', category: 'quantity', invoice_ids: ['erp:I-D1'], status: 'open',
      opened_at: '2026-02-26T09:00:00Z', resolved_at: null, summary: 'Ten units short on delivery',
    }] }) },
    { book: book(account('erp:C-US', 'Globex Inc', 'USD'), [contact('ap@globex.example', 'Gil')], [
      invoice('erp:I-U1', 'INV-U-1', '2025-11-15', '2025-12-15', '2400.00', 'USD'),
      invoice('erp:I-U2', 'INV-U-2', '2026-02-10', '2026-03-12', '900.00', 'USD'),
    ]) },
    { book: book(account('erp:C-XSS', '<script>alert(1)</script> Hostile & Co'), [contact('ap@hostile.example', '<img src=x onerror=alert(2)>')], [
      invoice('erp:I-X1', 'INV-<b>X</b>', '2025-10-01', '2025-10-31', '99.00'),
    ]) },
  ],
});
// The dispute's account is sent nothing about the disputed invoice; the others are reminded,
// the shadow account gets a draft to approve.
const sweep = await api('POST', '/api/sweep', { as_of: NOW });
if (sweep.errors) throw new Error(`sweep errors: ${JSON.stringify(sweep)}`);
console.log(`seeded: ${sweep.accounts_done} accounts swept`);
