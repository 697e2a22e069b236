// Writes a .br and a .gz twin beside every text asset of the build (dist/ by default), so the
// server sends compressed bytes without compressing per request. A twin no smaller than its
// original is not written: the server then sends the original.
import { readdirSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt', '.webmanifest']);
const MIN_BYTES = 256; // below this the headers cost more than compression saves

function walk(dir, files = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else files.push(path);
  }
  return files;
}

const root = process.argv[2] || 'dist';
let raw = 0, br = 0, gz = 0, count = 0;
for (const path of walk(root)) {
  if (path.endsWith('.br') || path.endsWith('.gz')) {
    rmSync(path); // a twin of an earlier build
    continue;
  }
  if (!TEXT.has(extname(path))) continue;
  const data = readFileSync(path);
  if (data.length < MIN_BYTES) continue;
  const b = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  const g = gzipSync(data, { level: 9 });
  if (b.length < data.length) writeFileSync(path + '.br', b);
  if (g.length < data.length) writeFileSync(path + '.gz', g);
  raw += data.length;
  br += Math.min(b.length, data.length);
  gz += Math.min(g.length, data.length);
  count++;
}
console.log(`compressed ${count} files: ${(raw / 1024).toFixed(0)} KB, brotli ${(br / 1024).toFixed(0)} KB, gzip ${(gz / 1024).toFixed(0)} KB`);
