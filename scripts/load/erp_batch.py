#!/usr/bin/env python3
"""Times one maximal ERP delivery (500 `invoice.upsert` events in one signed body) against a
throw-away local `wrangler dev` (started and stopped here, loopback only), once spread over 50
accounts and once all for one account. Standard library only; build first (`bash scripts/build.sh`).

    python3 scripts/load/erp_batch.py
"""

import hashlib
import hmac
import http.client
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webhooks as w  # noqa: E402


def main():
    port = w.free_port()
    state = tempfile.mkdtemp(prefix="nudge-erp-batch-")
    secret = "erp_batch_secret"
    proc = w.spawn_wrangler(port, state, {"ADMIN_TOKEN": "batch-admin", "STRIPE_WEBHOOK_SECRET": "whsec_batch",
                                          "ERP_WEBHOOK_SECRET": secret})
    try:
        for accounts in (50, 1):
            events = [{"id": f"b{accounts}-{i}", "type": "invoice.upsert", "occurred_at": "2026-11-01T08:00:00Z",
                       "invoice": {"id": f"BI{accounts}-{i}", "customer_id": f"B{accounts}-{i % accounts}",
                                   "number": f"BN{accounts}-{i}", "currency": "EUR", "total": "10.00",
                                   "issue_date": "2026-10-01", "due_date": "2026-10-31"}} for i in range(500)]
            raw = json.dumps(events).encode()
            for attempt in range(3):  # wrangler's one reload after start answers 503 once
                t = str(int(time.time()))
                sig = hmac.new(secret.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                start = time.perf_counter()
                c.request("POST", "/webhooks/erp", body=raw,
                          headers={"X-Nudge-Timestamp": t, "X-Nudge-Signature": f"sha256={sig}",
                                   "Content-Type": "application/json"})
                r = c.getresponse()
                body = r.read()
                took = time.perf_counter() - start
                if r.status < 500:
                    break
                time.sleep(2)
            d = json.loads(body) if r.status == 200 else {}
            print(f"500 events over {accounts} account(s): HTTP {r.status}, applied {d.get('applied')}, "
                  f"duplicates {d.get('duplicates')}, {took:.2f} s")
    finally:
        w.stop(proc)
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
