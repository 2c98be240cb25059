// mrz.js - reader input. A document reader (or a keyboard) types the MRZ lines separated by Enter:
// TD3 passports 2 x 44 characters, TD2 and MRV-B 2 x 36, TD1 identity cards 3 x 30. The field
// submits on the Enter after the last line, which we recognise by the shape of what has arrived.

// Normalise what was typed or pasted: CR/LF, spaces, lower case; '|' also separates lines.
export function mrzLines(text) {
  return String(text).toUpperCase().replace(/\r/g, '').split(/[\n|]/)
    .map((l) => l.replace(/\s+/g, '')).filter((l) => l.length > 0);
}

// The format when the lines make a whole MRZ, else null.
export function mrzComplete(lines) {
  if (lines.length === 2 && lines[0].length === 44 && lines[1].length === 44) return 'TD3';
  if (lines.length === 2 && lines[0].length === 36 && lines[1].length === 36) return 'TD2';
  if (lines.length === 3 && lines.every((l) => l.length === 30)) return 'TD1';
  return null;
}

// A short progress hint while lines arrive ("line 2 of 2: 17/44").
export function mrzProgress(lines) {
  if (lines.length === 0) return 'Scan the document, or type the MRZ lines (Enter after each line).';
  const len = lines[0].length;
  const [n, per] = len === 30 ? [3, 30] : len === 36 ? [2, 36] : len === 44 ? [2, 44] : [0, 0];
  if (!n) return `Line 1: ${len} characters (an MRZ line has 30, 36 or 44).`;
  const cur = lines[lines.length - 1];
  return `Line ${lines.length} of ${n}: ${cur.length}/${per}`;
}
