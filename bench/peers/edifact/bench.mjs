// bench.mjs - the npm `edifact` peer of bench/edifact_bench: tokenizes the same synthetic PAXLST
// file with the package's streaming Parser, counting segments and elements.
//
// Usage: node bench.mjs FILE [--seconds S]
//
// FILE is what `edifact_bench --write FILE` wrote, FILE.json what the peer must reproduce
// (segments, elements, a 32-bit FNV-1a checksum over every segment's tag and element count) and
// where each interchange starts with its character set. npm `edifact` reads a UNA only at the
// start of a stream, so each interchange gets a Parser of its own, with the interchange's
// character set (parser.encoding: UNOA, UNOB or UNOC), fed the interchange's bytes in one
// write(). The file is read as ISO 8859-1 text (one character per byte) before timing; creating
// the parsers is timed. Counting uses the documented events (opensegment, element, closesegment).
//
// Whole passes over the file until at least --seconds (default 1.5) have passed (at least one);
// each run of interchanges of >= 1 MB is timed on its own. MB/s (10^6 bytes/s) is the median of
// those runs; mean (bytes / total time) and best are printed beside it. Verification (exit 1):
// every pass counts exactly the segments and elements of FILE.json, with the same checksum.
import { readFileSync } from 'node:fs';
import edifact from 'edifact';

const CHUNK_BYTES = 1e6;
const VERSION = JSON.parse(
  readFileSync(new URL('./node_modules/edifact/package.json', import.meta.url), 'utf8'),
).version;
const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

const args = process.argv.slice(2);
let file = null;
let seconds = 1.5;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seconds' && i + 1 < args.length) seconds = Number(args[++i]);
  else if (file === null && !args[i].startsWith('--')) file = args[i];
  else {
    console.error('usage: node bench.mjs FILE [--seconds S]');
    process.exit(2);
  }
}
if (file === null || !(seconds > 0)) {
  console.error('usage: node bench.mjs FILE [--seconds S]');
  process.exit(2);
}

const expected = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
const text = readFileSync(file).toString('latin1');
if (text.length !== expected.bytes) {
  console.error(`edifact peer: ${file} has ${text.length} bytes, ${file}.json says ${expected.bytes}`);
  process.exit(1);
}
const interchanges = expected.interchanges.map(([offset, bytes, charset]) => ({
  text: text.slice(offset, offset + bytes),
  bytes,
  charset,
}));

// One interchange through a fresh Parser; the counters live in `t`.
function tokenize(ic, t) {
  const parser = new edifact.Parser();
  parser.encoding(ic.charset);
  let tag = '';
  let elements = 0;
  parser.on('opensegment', (name) => {
    tag = name;
    elements = 0;
  });
  parser.on('element', () => {
    elements++;
  });
  parser.on('closesegment', () => {
    let h = t.hash;
    h = Math.imul(h ^ tag.charCodeAt(0), FNV32_PRIME);
    h = Math.imul(h ^ tag.charCodeAt(1), FNV32_PRIME);
    h = Math.imul(h ^ tag.charCodeAt(2), FNV32_PRIME);
    t.hash = Math.imul(h ^ (elements & 0xff), FNV32_PRIME);
    t.segments++;
    t.elements += elements;
  });
  parser.write(ic.text);
  parser.end();
}

const rates = [];
let passes = 0;
let failed = false;
let totalBytes = 0;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let elapsed = 0;
do {
  const t = { segments: 0, elements: 0, hash: FNV32_OFFSET };
  let chunkBytes = 0;
  let chunkStart = process.hrtime.bigint();
  for (const ic of interchanges) {
    try {
      tokenize(ic, t);
    } catch (err) {
      console.error(`edifact peer: interchange at ${ic.text.slice(0, 40)}...: ${err.message}`);
      failed = true;
    }
    chunkBytes += ic.bytes;
    if (chunkBytes >= CHUNK_BYTES) {
      const now = process.hrtime.bigint();
      rates.push(chunkBytes / 1e6 / (Number(now - chunkStart) / 1e9));
      chunkStart = now;
      chunkBytes = 0;
    }
  }
  passes++;
  totalBytes += expected.bytes;
  const hash = (t.hash >>> 0).toString(16).padStart(8, '0');
  if (t.segments !== expected.segments || t.elements !== expected.elements || hash !== expected.fnv32) {
    console.error(
      `edifact peer: pass ${passes} counted ${t.segments} segments (expected ${expected.segments}), ` +
        `${t.elements} elements (expected ${expected.elements}), checksum ${hash} (expected ${expected.fnv32})`,
    );
    failed = true;
  }
  elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
} while (elapsed < seconds && !failed);
const cpu = process.cpuUsage(cpu0);
const cpuShare = (cpu.user + cpu.system) / 1e6 / elapsed;

rates.sort((a, b) => a - b);
const median = rates.length ? rates[rates.length >> 1] : totalBytes / 1e6 / elapsed;
const best = rates.length ? rates[rates.length - 1] : median;
const mean = totalBytes / 1e6 / elapsed;
console.log(
  `edifact peer: npm edifact ${VERSION} Parser, ${interchanges.length} interchanges, ` +
    `${(expected.bytes / 1e6).toFixed(1)} MB, one Parser per interchange; MB/s is the median of 1 MB runs`,
);
console.log(
  `${'work'.padEnd(9)} ${'MB/s'.padStart(10)} ${'passes'.padStart(8)} ${'segments'.padStart(12)}  ` +
    `${'fnv32'.padEnd(8)} ${'verdict'.padEnd(7)} ${'cpu'.padStart(4)} ${'mean MB/s'.padStart(10)} ${'best MB/s'.padStart(10)}`,
);
console.log(
  `${'tokenize'.padEnd(9)} ${median.toFixed(2).padStart(10)} ${String(passes).padStart(8)} ` +
    `${String(expected.segments).padStart(12)}  ${expected.fnv32.padEnd(8)} ${(failed ? 'FAIL' : 'OK').padEnd(7)} ` +
    `${(100 * cpuShare).toFixed(0).padStart(3)}% ${mean.toFixed(2).padStart(10)} ${best.toFixed(2).padStart(10)}`,
);
console.log(`=peer_mb_s ${median.toFixed(2)}`);
console.log(`=peer_best_mb_s ${best.toFixed(2)}`);
console.log(`=peer_cpu ${cpuShare.toFixed(2)}`);
console.log(`=peer_verified ${failed ? 'no' : 'yes'}`);
process.exit(failed ? 1 : 0);
