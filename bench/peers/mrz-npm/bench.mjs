// bench.mjs - the npm `mrz` peer of bench/mrz_bench: times parse() over the very documents
// mrz_bench wrote with --write-docs, and prints the same table.
//
// Usage: node bench.mjs DOCS_DIR [--seconds S]
//
// The checksum is the same FNV-1a 64 over (format, valid, document number, raw birth date,
// check-digit bits) that mrz_bench prints, built from parse()'s details, so equal checksums mean the
// two parsers agree on every document, not just on the count. Exit status: 0 when the valid count
// of every format equals expected.json, 1 otherwise (the documents that differ are listed with
// parse()'s reasons), 2 on usage or I/O errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'mrz';

const SECONDS_DEFAULT = 1.5;
const SHOWN_MAX = 5;
const CLOCK_EVERY = 1000;

function usage() {
  process.stderr.write('usage: node bench.mjs DOCS_DIR [--seconds S]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let dir = null;
let seconds = SECONDS_DEFAULT;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seconds' && i + 1 < args.length) {
    seconds = Number(args[++i]);
    if (!(seconds > 0)) usage();
  } else if (dir === null && !args[i].startsWith('--')) {
    dir = args[i];
  } else {
    usage();
  }
}
if (dir === null) usage();

let expected;
try {
  expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
} catch (err) {
  process.stderr.write(`mrz-npm: cannot read ${join(dir, 'expected.json')}: ${err.message}\n`);
  process.exit(2);
}

// mrz_format values of include/bmis/mrz.h, so the checksum bytes match mrz_bench's.
const FORMAT_CODE = { TD1: 1, TD2: 2, TD3: 3 };
// Bits (1 << mrz_check) of include/bmis/mrz.h for the check-digit details of parse().
const CHECK_BIT = {
  documentNumberCheckDigit: 1 << 0,
  birthDateCheckDigit: 1 << 1,
  expirationDateCheckDigit: 1 << 2,
  personalNumberCheckDigit: 1 << 3,
  compositeCheckDigit: 1 << 4,
};

// FNV-1a 64 on two 32-bit halves: BigInt arithmetic made the untimed pass slower than parse().
// prime = 2^40 + 0x1b3, so h * prime = (lo << 40) + h * 0x1b3 (mod 2^64); every intermediate below
// stays under 2^53 and is exact in a double.
const TWO32 = 4294967296;
const FNV_OFFSET = { hi: 0xcbf29ce4, lo: 0x84222325 };

function fnvBytes(h, bytes) {
  let { hi, lo } = h;
  for (const b of bytes) {
    lo = (lo ^ b) >>> 0;
    const l = lo * 0x1b3;
    const carry = Math.floor(l / TWO32);
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) % TWO32;
    lo = l % TWO32;
  }
  return { hi, lo };
}

function hex64(h) {
  return h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
}

// The tuple of mrz_bench.c's fnv_result(): format, valid, document number + NUL, 6 raw birth-date
// characters, checks_ok.
function fnvResult(h, format, result) {
  let checksOk = 0;
  let birthRaw = '';
  for (const d of result.details) {
    if (d.field in CHECK_BIT && d.valid) checksOk |= CHECK_BIT[d.field];
    if (d.field === 'birthDate') birthRaw = d.ranges[0].raw;
  }
  const docnum = result.documentNumber ?? '';
  h = fnvBytes(h, [FORMAT_CODE[format] ?? 0, result.valid ? 1 : 0]);
  h = fnvBytes(h, Buffer.from(`${docnum}\0`, 'latin1'));
  h = fnvBytes(h, Buffer.from(birthRaw, 'latin1'));
  return fnvBytes(h, [checksOk]);
}

const corruptEvery = expected.corrupt_every;
let status = 0;

console.log(
  `mrz-npm: parse() from npm mrz ${readPeerVersion()}, node ${process.version}, single thread, ` +
    `>= ${seconds.toFixed(1)} s per format; docs/s is the median chunk of ${CLOCK_EVERY}`,
);
console.log(
  `${'format'.padEnd(6)} ${'documents'.padStart(10)} ${'docs/s'.padStart(12)} ` +
    `${'ns/doc'.padStart(8)} ${'valid'.padStart(10)} ${'expected'.padStart(10)}  ` +
    `${'checksum'.padEnd(18)} ${'verdict'.padEnd(7)} ${'cpu'.padStart(4)} ` +
    `${'mean/s'.padStart(12)} ${'best/s'.padStart(12)}`,
);

for (const [name, fmt] of Object.entries(expected.formats)) {
  let docs;
  try {
    docs = readFileSync(join(dir, fmt.file), 'latin1')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.split('|'));
  } catch (err) {
    process.stderr.write(`mrz-npm: cannot read ${join(dir, fmt.file)}: ${err.message}\n`);
    process.exit(2);
  }

  // Untimed pass: count, checksum, and every document on which parse() disagrees with the generator
  // (document i was corrupted iff i % corrupt_every == corrupt_every - 1).
  let valid = 0;
  let hash = FNV_OFFSET;
  const differ = [];
  const validAt = new Uint8Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    let result;
    try {
      result = parse(docs[i]);
    } catch (err) {
      differ.push({ i, why: `throws: ${err.message}` });
      continue;
    }
    if (result.valid) valid++;
    validAt[i] = result.valid ? 1 : 0;
    hash = fnvResult(hash, name, result);
    const corrupted = i % corruptEvery === corruptEvery - 1;
    if (result.valid === corrupted) {
      const bad = result.details
        .filter((d) => !d.valid)
        .map((d) => `${d.field}: ${d.error}`)
        .join('; ');
      differ.push({
        i,
        why: `${result.format} valid=${result.valid}, expected ${!corrupted} ${bad}`,
      });
    }
  }

  // Timed: parse() is slow enough that whole passes would overshoot the wall time by seconds, so
  // the clock is read every CLOCK_EVERY documents. The valid count is checked against the untimed
  // pass, and using it keeps the JIT from dropping the work.
  let n = 0;
  let validTimed = 0;
  let validWanted = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  // Each chunk of CLOCK_EVERY documents is timed on its own and the median chunk rate is reported,
  // exactly as mrz_bench reports its median pass, so both sides are measured the same way.
  const rates = [];
  let prev = 0;
  do {
    const end = n + CLOCK_EVERY;
    for (; n < end; n++) {
      const i = n % docs.length;
      if (parse(docs[i]).valid) validTimed++;
      if (validAt[i]) validWanted++;
    }
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    if (elapsed > prev) rates.push(CLOCK_EVERY / (elapsed - prev));
    prev = elapsed;
  } while (elapsed < seconds);
  rates.sort((a, b) => a - b);
  // Process CPU time / wall time, like mrz_bench's column; it includes V8's helper threads (GC,
  // compiler), so it may exceed 100%.
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1e6 / elapsed;

  const ok = valid === fmt.valid && differ.length === 0 && validTimed === validWanted;
  const mean = n / elapsed;
  const rate = rates.length ? rates[rates.length >> 1] : mean;
  const best = rates.length ? rates[rates.length - 1] : mean;
  console.log(
    `${name.padEnd(6)} ${String(docs.length).padStart(10)} ${rate.toFixed(0).padStart(12)} ` +
      `${(1e9 / rate).toFixed(1).padStart(8)} ${String(valid).padStart(10)} ` +
      `${String(fmt.valid).padStart(10)}  ${hex64(hash)}   ` +
      `${(ok ? 'OK' : 'FAIL').padEnd(7)} ${((100 * cpuShare).toFixed(0) + '%').padStart(4)} ` +
      `${mean.toFixed(0).padStart(12)} ${best.toFixed(0).padStart(12)}`,
  );
  if (!ok) {
    status = 1;
    process.stderr.write(
      `mrz-npm: ${name}: ${valid} valid, expected.json says ${fmt.valid}; ` +
        `${differ.length} documents differ from the generator:\n`,
    );
    for (const { i, why } of differ.slice(0, SHOWN_MAX)) {
      process.stderr.write(`  document ${i}: ${docs[i].join('|')}\n    ${why}\n`);
    }
  }
}
process.exit(status);

function readPeerVersion() {
  try {
    const url = new URL('./node_modules/mrz/package.json', import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return '(version unknown)';
  }
}
