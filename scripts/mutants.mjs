#!/usr/bin/env node
// Mutation check of the rule functions listed in tests/mutants.list: in each function's body, each
// comparison (< <= > >= == !=) and each integer constant is changed in turn, one mutant at a time;
// the file is rebuilt and the function's unit tests are run. A mutant the tests catch (a test
// fails, crashes or times out) is killed; one they do not catch survives, and means that a rule
// can change without a test noticing. Exits 1 if any mutant survives.
//
// The sources are never edited: each mutant is compiled from a copy in a temporary directory
// (the copy's own directory comes first for "..." includes, then -Isrc as usual) and linked with
// the other objects of build/obj into copies of the test programs. So nothing is left to restore,
// whatever stops the run, and the build tree keeps the real objects.
//
// Mutations: < ↔ <= and > ↔ >= (the boundary moves by one), == ↔ != (negated), and an integer
// constant n → n + 1, in the base it is written in. Constants inside [ ] (array sizes and indexes),
// the row and column indexes of a result's cell (db_val, db_int: indexes too, and a mutant of one
// reads outside the result, which a test catches or not by chance) and preprocessor lines are left
// alone, as are strings, characters and comments.
//
// Run by `make mutants` (which passes CC, CFLAGS, LDFLAGS, LDLIBS and OBJ) and by scripts/test.sh.
//   node scripts/mutants.mjs [--list FILE] [--only FUNCTION] [--dry-run]
//   --dry-run lists the mutants without building anything.
// The last line is "mutants: N passed, N failed" (a killed mutant passed, a survivor failed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const listFile = opt('--list') ?? 'tests/mutants.list';
const only = opt('--only');
const dryRun = args.includes('--dry-run');
const TEST_TIMEOUT_MIN_MS = 20000; // a test program's time limit: 10 times its clean run, at least this

const env = process.env;
const CC = env.CC || 'cc';
const split = (s) => (s || '').split(/\s+/).filter(Boolean);
const CFLAGS = split(env.CFLAGS || '-O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -Ibuild');
const LDFLAGS = split(env.LDFLAGS);
const LDLIBS = split(env.LDLIBS);
const BUILD = env.BUILD || 'build';
const OBJ = split(env.OBJ);

function die(msg) {
  console.error(`mutants: ${msg}`);
  console.log('mutants: 0 passed, 1 failed');
  process.exit(1);
}

// ---- the list ----
// Each line: FILE FUNCTION TEST... [skip=ID,ID...]   (# starts a comment)
function readList() {
  if (!existsSync(listFile)) die(`${listFile} not found`);
  const entries = [];
  readFileSync(listFile, 'utf8').split('\n').forEach((line, i) => {
    const words = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    const skip = new Set(words.filter((w) => w.startsWith('skip=')).flatMap((w) => w.slice(5).split(',')).filter(Boolean));
    const rest = words.filter((w) => !w.startsWith('skip='));
    if (rest.length < 3) die(`${listFile}:${i + 1}: want FILE FUNCTION TEST... [skip=ID,...]`);
    const [file, fn, ...tests] = rest;
    entries.push({ file, fn, tests, skip, where: `${listFile}:${i + 1}` });
  });
  return entries;
}

// ---- a small C lexer: enough to find a function's body and the tokens in it ----
function lex(src) {
  const toks = [];
  let i = 0, line = 1, bol = true;
  const ops = ['<<=', '>>=', '->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '++', '--'];
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { line++; i++; bol = true; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (bol && c === '#') { // a preprocessor line, with its continuations
      while (i < src.length && src[i] !== '\n') {
        if (src[i] === '\\' && src[i + 1] === '\n') { i += 2; line++; continue; }
        i++;
      }
      continue;
    }
    bol = false;
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '"' || c === '\'') {
      let k = i + 1;
      while (k < src.length && src[k] !== c) k += src[k] === '\\' ? 2 : 1;
      toks.push({ kind: 'lit', text: src.slice(i, k + 1), pos: i, line });
      i = k + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_0-9]+/.exec(src.slice(i, i + 256));
      toks.push({ kind: 'id', text: m[0], pos: i, line });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1]))) { // a pp-number
      const m = /^\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*/.exec(src.slice(i, i + 256));
      toks.push({ kind: 'num', text: m[0], pos: i, line });
      i += m[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i)) ?? c;
    toks.push({ kind: 'op', text: op, pos: i, line });
    i += op.length;
  }
  return toks;
}

// The tokens of FUNCTION's body (between its braces) in src, or null.
function body(toks, fn) {
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.text === '{') depth++;
    else if (t.text === '}') depth--;
    if (depth !== 0 || t.kind !== 'id' || t.text !== fn || toks[i + 1]?.text !== '(') continue;
    let k = i + 1, paren = 0;
    for (; k < toks.length; k++) {
      if (toks[k].text === '(') paren++;
      else if (toks[k].text === ')' && --paren === 0) break;
    }
    if (toks[k + 1]?.text !== '{') continue; // a declaration or a call, not the definition
    const open = k + 1;
    let d = 0;
    for (let j = open; j < toks.length; j++) {
      if (toks[j].text === '{') d++;
      else if (toks[j].text === '}' && --d === 0) return toks.slice(open + 1, j);
    }
  }
  return null;
}

const CELL_READERS = new Set(['db_val', 'db_int']);
const SWAP = { '<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '==' };

function bump(text) {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text);
  if (!m) return null; // a floating constant
  const [, digits, suffix] = m;
  if (/^0[xX]/.test(digits)) return '0x' + (BigInt(digits) + 1n).toString(16) + suffix;
  if (digits.length > 1 && digits[0] === '0') return '0' + (BigInt('0o' + digits.slice(1)) + 1n).toString(8) + suffix;
  return (BigInt(digits) + 1n).toString() + suffix;
}

// The mutants of one function: {id, pos, len, from, to, line}. An id is the token and its
// ordinal among the same tokens of the body ("<=@2", "400@1"), which does not move when lines
// elsewhere in the file do.
function mutants(src, fn) {
  const toks = body(lex(src), fn);
  if (!toks) return null;
  const out = [], seen = {}, calls = [];
  let bracket = 0;
  for (const [j, t] of toks.entries()) {
    if (t.text === '[') bracket++;
    else if (t.text === ']') bracket--;
    else if (t.text === '(') calls.push(j > 0 && toks[j - 1].kind === 'id' ? toks[j - 1].text : '');
    else if (t.text === ')') calls.pop();
    const inCell = CELL_READERS.has(calls[calls.length - 1]);
    let to = null;
    if (t.kind === 'op' && SWAP[t.text]) to = SWAP[t.text];
    else if (t.kind === 'num' && bracket === 0 && !inCell) to = bump(t.text);
    if (to === null) continue;
    seen[t.text] = (seen[t.text] ?? 0) + 1;
    out.push({ id: `${t.text}@${seen[t.text]}`, pos: t.pos, len: t.text.length, from: t.text, to, line: t.line });
  }
  return out;
}

// ---- building and running ----
function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { ok: r.status === 0 && !r.signal && !r.error, out: (r.stdout || '') + (r.stderr || ''), timedOut: r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM' };
}

const work = mkdtempSync(join(tmpdir(), 'renda-mutants-'));
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => { cleanup(); process.exit(130); });

const testObj = {};
function testObject(t) { // the test's own object, compiled once
  if (testObj[t]) return testObj[t];
  const src = `tests/unit/${t}.c`;
  if (!existsSync(src)) die(`${src} not found (a test in ${listFile} is named without its path: test_x)`);
  const o = join(work, `${t}.o`);
  const r = sh(CC, [...CFLAGS, '-c', '-o', o, src]);
  if (!r.ok) die(`${src} does not compile:\n${r.out}`);
  return (testObj[t] = o);
}

// Compiles text as FILE into an object; links and runs the tests with it. Returns
// {built, passed, failed: test name, out, ms}.
function trial(file, text, tests, limits) {
  const t0 = Date.now();
  const dir = join(work, 'src');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, basename(file));
  writeFileSync(copy, text);
  const obj = join(work, basename(file, '.c') + '.o');
  const real = `${BUILD}/obj/${basename(file, '.c')}.o`;
  const c = sh(CC, [...CFLAGS, '-c', '-o', obj, copy]);
  if (!c.ok) return { built: false, out: c.out, ms: Date.now() - t0 };
  const objs = OBJ.map((o) => (o === real ? obj : o));
  for (const t of tests) {
    const bin = join(work, t);
    const l = sh(CC, [...CFLAGS, ...LDFLAGS, '-o', bin, testObject(t), ...objs, ...LDLIBS, '-lcmocka']);
    if (!l.ok) return { built: false, out: l.out, ms: Date.now() - t0 };
    const tr = Date.now();
    const r = sh(bin, [], { timeout: limits?.[t] ?? 0, killSignal: 'SIGKILL' });
    if (limits && !limits[t]) limits[t] = Math.max(TEST_TIMEOUT_MIN_MS, 10 * (Date.now() - tr));
    if (!r.ok) return { built: true, passed: false, failed: t + (r.timedOut ? ' (time limit)' : ''), out: r.out, ms: Date.now() - t0 };
  }
  return { built: true, passed: true, ms: Date.now() - t0 };
}

// ---- main ----
const entries = readList().filter((e) => !only || e.fn === only);
if (!entries.length) die(only ? `no function ${only} in ${listFile}` : `${listFile} lists no function`);
if (!dryRun) {
  if (!OBJ.length) die('OBJ is empty: run through `make mutants`');
  for (const o of OBJ) if (!existsSync(o)) die(`${o} missing: run through \`make mutants\``);
}

let killed = 0, survived = 0, stillborn = 0, n = 0;
const baseline = {};
const survivors = [];
const started = Date.now();
for (const e of entries) {
  if (!existsSync(e.file)) die(`${e.where}: ${e.file} not found`);
  const src = readFileSync(e.file, 'utf8');
  const all = mutants(src, e.fn);
  if (!all) die(`${e.where}: no definition of ${e.fn} in ${e.file}`);
  for (const id of e.skip)
    if (!all.some((m) => m.id === id)) die(`${e.where}: skip=${id} matches nothing in ${e.fn} (ids: ${all.map((m) => m.id).join(' ')})`);
  const list = all.filter((m) => !e.skip.has(m.id));
  console.log(`== ${e.file} ${e.fn}: ${list.length} mutants (${all.length - list.length} skipped), tests: ${e.tests.join(' ')}`);
  if (dryRun) {
    for (const m of list) console.log(`   ${m.id.padEnd(8)} ${e.file}:${m.line}  '${m.from}' -> '${m.to}'`);
    n += list.length;
    continue;
  }
  // The unchanged source first: the tests must pass, and their times set the time limits.
  const key = `${e.file} ${e.tests.join(' ')}`;
  if (!baseline[key]) {
    const limits = {};
    const base = trial(e.file, src, e.tests, limits);
    if (!base.built || !base.passed)
      die(`${e.fn}: the tests do not pass on the unchanged source (${base.failed ?? 'build'}):\n${base.out.slice(-3000)}`);
    baseline[key] = limits;
  }
  const limits = baseline[key];
  for (const m of list) {
    n++;
    const text = src.slice(0, m.pos) + m.to + src.slice(m.pos + m.len);
    const r = trial(e.file, text, e.tests, limits);
    const srcLine = src.split('\n')[m.line - 1].trim();
    const what = `${e.file}:${m.line} ${e.fn} ${m.id} '${m.from}' -> '${m.to}'`;
    const secs = (r.ms / 1000).toFixed(1);
    if (!r.built) { stillborn++; console.log(`   no build  ${what} (${secs} s)`); }
    else if (r.passed) {
      survived++;
      survivors.push(`${what}\n      ${srcLine}`);
      console.log(`   SURVIVED  ${what} (${secs} s)\n      ${srcLine}`);
    } else { killed++; console.log(`   killed    ${what} by ${r.failed} (${secs} s)`); }
  }
}
const total = (Date.now() - started) / 1000;
if (dryRun) {
  console.log(`mutants: ${n} listed`);
  process.exit(0);
}
const tried = killed + survived + stillborn;
console.log(`mutants: ${killed} killed, ${survived} survived, ${stillborn} did not build; ${total.toFixed(0)} s,` +
  ` ${tried ? (total / tried).toFixed(1) : 0} s per mutant`);
if (survivors.length) {
  console.log('Survivors: change a test so that it fails on each of these, or, for a mutant that cannot change ' +
    `the behaviour (a loop guard), add skip=ID with the reason to ${listFile}:`);
  for (const s of survivors) console.log('   ' + s);
}
console.log(`mutants: ${killed} passed, ${survived} failed`);
process.exit(survived ? 1 : 0);
