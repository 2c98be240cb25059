// bench.mjs - the npm `fuzzball` peer of bench/screen_bench: token_set_ratio of every list name
// against a sample of the same travellers, with fuzzball's own extract(), one worker per core.
//
// Usage: node bench.mjs PEER_DIR [--workers N] [--cutoff C]
//
// PEER_DIR is what `screen_bench --write-peer PEER_DIR` wrote: names.tsv ("entry<TAB>name", every
// name of every listed person and entity), queries.tsv ("expected entry or -1<TAB>kind<TAB>name")
// and expected.json (the counts). Each worker loads the names and tokenises them once with
// fuzzball's full_process + unique_tokens (its documented "Performance Optimization" for
// token_set_ratio; not timed), then all workers start together and each runs
// extract(query, choices, {scorer: token_set_ratio, limit: 10}) for its share of the queries.
// travellers/s = queries / wall time of that phase.
//
// A planted traveller counts as found when its listed entry is among the 10 best with a ratio >=
// the cutoff (default 90). Verification (exit 1 when it fails): every worker loaded exactly the
// names expected.json announces, and every "exact" planted traveller scores at least the cutoff
// against its own entry (token_set_ratio of a name with itself is 100), i.e. the peer really scored
// what openbmis screened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as fuzz from 'fuzzball';

const LIMIT = 10;
const CUTOFF_DEFAULT = 90;

function readTsv(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

if (!isMainThread) {
  // ---- worker: load, tokenise, wait for "go", score its queries ----
  const { dir, index, workers, cutoff } = workerData;
  const t0 = process.hrtime.bigint();
  const choices = [];
  const byEntry = new Map();
  for (const [entry, name] of readTsv(join(dir, 'names.tsv'))) {
    const c = new String(name);
    c.entry = Number(entry);
    c.tokens = fuzz.unique_tokens(fuzz.full_process(name));
    choices.push(c);
    if (!byEntry.has(c.entry)) byEntry.set(c.entry, []);
    byEntry.get(c.entry).push(name);
  }
  const prepSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const queries = readTsv(join(dir, 'queries.tsv'))
    .map(([expected, kind, name], i) => ({ i, expected: Number(expected), kind, name }))
    .filter((q) => q.i % workers === index);
  parentPort.postMessage({ type: 'ready', names: choices.length, prepSeconds });
  parentPort.once('message', () => {
    const options = { scorer: fuzz.token_set_ratio, full_process: false, limit: LIMIT, cutoff };
    const results = [];
    const s0 = process.hrtime.bigint();
    for (const q of queries) {
      const best = fuzz.extract(fuzz.full_process(q.name), choices, options);
      results.push({ i: q.i, top: best.map(([c, score]) => [c.entry, score]) });
    }
    const seconds = Number(process.hrtime.bigint() - s0) / 1e9;
    // Untimed: the ratio of each planted traveller against its own entry's names.
    for (const r of results) {
      const q = queries.find((x) => x.i === r.i);
      r.expected = q.expected;
      r.kind = q.kind;
      r.name = q.name;
      r.own = q.expected >= 0
        ? Math.max(0, ...(byEntry.get(q.expected) ?? []).map((n) => fuzz.token_set_ratio(q.name, n)))
        : null;
    }
    parentPort.postMessage({ type: 'done', seconds, results });
  });
} else {
  // ---- main ----
  const args = process.argv.slice(2);
  let dir = null;
  let workers = availableParallelism();
  let cutoff = CUTOFF_DEFAULT;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--workers' && i + 1 < args.length) workers = Number(args[++i]);
    else if (args[i] === '--cutoff' && i + 1 < args.length) cutoff = Number(args[++i]);
    else if (dir === null && !args[i].startsWith('--')) dir = args[i];
    else dir = '';
  }
  if (!dir || !(workers >= 1) || !(cutoff >= 0 && cutoff <= 100)) {
    process.stderr.write('usage: node bench.mjs PEER_DIR [--workers N] [--cutoff C]\n');
    process.exit(2);
  }
  let expected;
  try {
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  } catch (err) {
    process.stderr.write(`fuzzball peer: cannot read ${join(dir, 'expected.json')}: ${err.message}\n`);
    process.exit(2);
  }
  workers = Math.max(1, Math.min(workers, expected.queries));
  const version = JSON.parse(
    readFileSync(new URL('./node_modules/fuzzball/package.json', import.meta.url), 'utf8'),
  ).version;
  console.log(
    `fuzzball peer: npm fuzzball ${version}, node ${process.version}, ${workers} workers, ` +
      `${expected.names} list names, ${expected.queries} travellers (${expected.planted} planted)`,
  );

  const pool = [];
  for (let w = 0; w < workers; w++) {
    pool.push(new Worker(new URL(import.meta.url), { workerData: { dir, index: w, workers, cutoff } }));
  }
  const ready = await Promise.all(
    pool.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })),
  );
  let status = 0;
  for (const r of ready) {
    if (r.names !== expected.names) {
      process.stderr.write(`fuzzball peer: a worker loaded ${r.names} names, expected ${expected.names}\n`);
      status = 1;
    }
  }
  console.log(`  names tokenised in ${Math.max(...ready.map((r) => r.prepSeconds)).toFixed(1)} s per worker (not timed)`);
  const t0 = process.hrtime.bigint();
  const done = await Promise.all(
    pool.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage('go');
    })),
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const w of pool) w.terminate();

  const results = done.flatMap((d) => d.results).sort((a, b) => a.i - b.i);
  let planted = 0;
  let found = 0;
  let negativesAbove = 0;
  for (const r of results) {
    if (r.expected >= 0) {
      planted++;
      const hit = r.top.find(([entry, score]) => entry === r.expected && score >= cutoff);
      if (hit) found++;
      // An exact traveller is the listed name (reordered, upper case): token_set_ratio gives 100,
      // or a little less where fuzzball's tokenising splits punctuation differently (A.B.).
      if (r.kind.startsWith('exact') && r.own < cutoff) {
        process.stderr.write(`fuzzball peer: exact traveller "${r.name}" scores ${r.own} against its own entry\n`);
        status = 1;
      }
    } else if (r.top.length && r.top[0][1] >= cutoff) {
      negativesAbove++;
    }
  }
  const tps = results.length / wall;
  console.log(
    `  extract(token_set_ratio, limit ${LIMIT}): ${results.length} travellers x ${expected.names} ` +
      `names in ${wall.toFixed(1)} s: ${tps.toFixed(3)} travellers/s ` +
      `(${((wall * workers) / (results.length * expected.names) * 1e9).toFixed(0)} ns per pair per worker)`,
  );
  console.log(
    `  planted found (entry in the top ${LIMIT} with ratio >= ${cutoff}): ${found} of ${planted}; ` +
      `negatives whose best ratio is >= ${cutoff}: ${negativesAbove} of ${results.length - planted}`,
  );
  console.log(`=fuzzball_travellers_per_s ${tps.toFixed(4)}`);
  console.log(`=fuzzball_found ${found}/${planted}`);
  console.log(`=fuzzball_verification ${status === 0 ? 'OK' : 'FAIL'}`);
  process.exit(status);
}
