// Public submissions under load (docs/performance.md, STYLE "Durability"): many submissions at
// once share commits (group commit), and a tracking code is given only after its commit is on
// disk. The server is killed with SIGKILL while submissions are in flight; after a restart on
// the same database every acknowledged code is found with its secret.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiFrom } from './lib.mjs';

let first, second;
after(async () => {
  if (first && first.proc.exitCode === null && first.proc.signalCode === null) first.proc.kill('SIGKILL');
  if (second) await second.stop();
  else if (first) first.db.cleanup();
});

const OPTS = ['--threads', '16', '--submit-rate', '100000'];

test('every acknowledged submission survives kill -9', async () => {
  first = await startServer({ extraArgs: OPTS });
  const acked = [];
  let refused = 0;
  let stop = false;
  // 32 citizens submitting one after another until the server dies.
  const citizen = async (k) => {
    for (let i = 0; !stop; i++) {
      try {
        const r = await apiFrom(first, '127.0.0.1', 'POST', '/api/v1/public/opinions', {
          body: { region_code: '329981101', body: `松岭镇第${k}号楼前的路灯坏了第${i}次，晚上很黑，请尽快修复。`,
            place: '松岭镇', phone: '13912345678', consent: true },
        });
        if (r.status === 201) acked.push(r.json);
        else refused++;
      } catch {
        return; // the connection died with the server: not acknowledged
      }
    }
  };
  const running = Array.from({ length: 32 }, (_, k) => citizen(k));
  while (acked.length < 300) await new Promise((ok) => setTimeout(ok, 5));
  first.proc.kill('SIGKILL');
  stop = true;
  await first.exited;
  await Promise.all(running);
  assert.equal(refused, 0);
  assert.ok(acked.length >= 300, `${acked.length} acknowledged`);

  second = await startServer({ dbUrl: first.db.url, demo: false, extraArgs: OPTS });
  second.db = first.db; // stop() removes the database once
  const missing = [];
  // Look-ups are limited per address: spread them over loopback addresses.
  for (let i = 0; i < acked.length; i++) {
    const a = acked[i];
    const from = `127.0.${1 + Math.floor(i / 25)}.${1 + (i % 25)}`;
    const r = await apiFrom(second, from, 'GET', `/api/v1/public/opinions/${a.tracking_code}?secret=${a.secret}`);
    if (r.status !== 200) missing.push(`${a.tracking_code}: ${r.status}`);
  }
  assert.deepEqual(missing, []);
});
