// Static files: precompressed twins (.br, .gz) chosen by Accept-Encoding, with Vary; images and
// files without twins go out as they are; client-side routes get the desktop or the phone page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer } from './lib.mjs';

let srv, web;
before(async () => {
  web = mkdtempSync(join(tmpdir(), 'renda-web-'));
  mkdirSync(join(web, 'assets'));
  const put = (name, text) => writeFileSync(join(web, name), text);
  put('index.html', '<!doctype html><html>page</html>');
  put('index.html.br', 'BR-PAGE');
  put('index.html.gz', 'GZ-PAGE');
  put('phone.html', '<!doctype html><html>phone</html>');
  put('phone.html.br', 'BR-PHONE');
  put('phone.html.gz', 'GZ-PHONE');
  put('assets/app-1.js', 'console.log("plain")');
  put('assets/app-1.js.br', 'BR-JS');
  put('assets/app-1.js.gz', 'GZ-JS');
  put('assets/only-gz.css', 'body{}');
  put('assets/only-gz.css.gz', 'GZ-CSS');
  put('assets/bare.js', 'bare');
  put('assets/logo.png', 'PNG');
  put('assets/logo.png.gz', 'GZ-PNG');
  srv = await startServer({ demo: false, extraArgs: ['--web', web] });
});
after(async () => {
  if (srv) await srv.stop();
  rmSync(web, { recursive: true, force: true });
});

// A GET that keeps the bytes as sent (fetch would decode them).
function get(path, acceptEncoding) {
  const { hostname, port } = new URL(srv.url);
  const headers = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
  return new Promise((ok, fail) => {
    const req = http.get({ hostname, port, path, headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', fail);
    req.setTimeout(5000, () => req.destroy(new Error('no answer')));
  });
}

test('brotli when accepted, else gzip, else the file itself; Vary on every text file', async () => {
  const cases = [
    ['gzip, deflate, br', 'br', 'BR-JS'],
    ['br', 'br', 'BR-JS'],
    ['gzip', 'gzip', 'GZ-JS'],
    ['br;q=0, gzip', 'gzip', 'GZ-JS'],
    ['br;q=0.0, gzip;q=0.5', 'gzip', 'GZ-JS'],
    ['br;q=0.001', 'br', 'BR-JS'],
    ['gzip;q=0', undefined, 'console.log("plain")'],
    ['identity', undefined, 'console.log("plain")'],
    ['xbr, gzipx', undefined, 'console.log("plain")'],
    [undefined, undefined, 'console.log("plain")'],
  ];
  for (const [accept, coding, body] of cases) {
    const r = await get('/assets/app-1.js', accept);
    assert.equal(r.status, 200, String(accept));
    assert.equal(r.headers['content-encoding'], coding, String(accept));
    assert.equal(r.body.toString(), body, String(accept));
    assert.equal(r.headers.vary, 'Accept-Encoding', String(accept));
    assert.match(r.headers['content-type'], /^text\/javascript/, String(accept));
    assert.match(r.headers['cache-control'], /immutable/);
  }
});

test('a file with only a gzip twin, or none, goes out as it can', async () => {
  let r = await get('/assets/only-gz.css', 'br, gzip');
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(r.body.toString(), 'GZ-CSS');
  r = await get('/assets/only-gz.css', 'br');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), 'body{}');
  r = await get('/assets/bare.js', 'br, gzip');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), 'bare');
  assert.equal(r.headers.vary, 'Accept-Encoding');
});

test('images are never sent with a content coding, and carry no Vary', async () => {
  const r = await get('/assets/logo.png', 'br, gzip');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), 'PNG');
  assert.equal(r.headers.vary, undefined);
});

test('the application page for client-side routes is compressed too; twins are not reachable by their own paths as pages', async () => {
  let r = await get('/stations/12', 'br');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.body.toString(), 'BR-PAGE');
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.ok(r.headers['content-security-policy']);
  r = await get('/', 'gzip');
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(r.body.toString(), 'GZ-PAGE');
  // a twin asked for by name is a file of unknown type: it is never labelled as a coding
  r = await get('/assets/app-1.js.br', 'br');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers['content-type'], 'application/octet-stream');
});

test('the citizens\' phone routes get phone.html, every other route the desktop page', async () => {
  const phone = ['/s/AB12CD', '/s/AB12CD/opinion', '/s', '/opinion', '/opinion/', '/t', '/t/', '/t/X7K2M9Q4',
    '/public/suggestions', '/public/suggestions/12', '/public',
    // the deputies' phone pages
    '/m', '/m/login', '/m/opinions', '/m/opinions/5', '/m/me', '/m/signin', '/my-meetings', '/my-meetings/3',
    '/my-suggestions', '/my-suggestions/new', '/my-suggestions/4/edit'];
  const desktop = ['/', '/opinions', '/opinions/12', '/stations/3', '/suggestions', '/tokens', '/login', '/screen/abc',
    '/my-opinions', '/me', '/sx', '/publicity', '/tt/1', '/stations/s/1', '/mm', '/my-meetingsx', '/meetings/2'];
  for (const path of phone) {
    const r = await get(path, 'br');
    assert.equal(r.status, 200, path);
    assert.equal(r.body.toString(), 'BR-PHONE', path);
    assert.match(r.headers['content-type'], /^text\/html/, path);
    assert.ok(r.headers['content-security-policy'], path);
    assert.equal(r.headers['cache-control'], 'no-cache', path);
  }
  for (const path of desktop) {
    const r = await get(path, 'br');
    assert.equal(r.status, 200, path);
    assert.equal(r.body.toString(), 'BR-PAGE', path);
  }
  let r = await get('/t/X7K2M9Q4?secret=abc', 'gzip');
  assert.equal(r.body.toString(), 'GZ-PHONE');
  r = await get('/s/AB12CD');
  assert.equal(r.body.toString(), '<!doctype html><html>phone</html>');
  // a file under a phone prefix is still a file: a missing one is a 404, not the page
  r = await get('/s/missing.js', 'br');
  assert.equal(r.status, 404);
});

test('the pages\' policy lets images be previewed from blob: and data: URLs, nothing else', async () => {
  for (const path of ['/s/AB12CD', '/opinion', '/']) {
    const csp = (await get(path, 'br')).headers['content-security-policy'];
    const dir = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(dir['img-src'], ["'self'", 'data:', 'blob:'], path);
    assert.deepEqual(dir['default-src'], ["'self'"], path);
    assert.ok(!dir['script-src'], path); // scripts fall back to default-src 'self': no blob:, no data:
    assert.ok(!dir['font-src'].includes('blob:'), path);
    assert.ok(!dir['style-src'].includes('blob:'), path);
  }
});

test('a build without phone.html serves the desktop page for the phone routes', async () => {
  const bare = mkdtempSync(join(tmpdir(), 'renda-web-'));
  writeFileSync(join(bare, 'index.html'), 'ONLY-INDEX');
  const s2 = await startServer({ demo: false, extraArgs: ['--web', bare] });
  try {
    const res = await fetch(s2.url + '/s/AB12CD');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ONLY-INDEX');
  } finally {
    await s2.stop();
    rmSync(bare, { recursive: true, force: true });
  }
});

// The real build (make web): every twin decodes to its original.
const dist = resolve(dirname(resolve(process.env.RENDA_BIN || 'build/renda')), '../web/dist');
test('the build writes twins that decode to the original', { skip: !existsSync(join(dist, 'assets')) }, () => {
  let checked = 0;
  for (const name of readdirSync(join(dist, 'assets'))) {
    const path = join(dist, 'assets', name);
    if (!/\.(js|css)$/.test(name)) continue;
    const original = readFileSync(path);
    if (existsSync(path + '.br')) assert.ok(brotliDecompressSync(readFileSync(path + '.br')).equals(original), name);
    if (existsSync(path + '.gz')) assert.ok(gunzipSync(readFileSync(path + '.gz')).equals(original), name);
    if (original.length > 4096) assert.ok(existsSync(path + '.br') && existsSync(path + '.gz'), `${name} has no twins`);
    checked++;
  }
  assert.ok(checked > 0, 'no assets in the build');
});
