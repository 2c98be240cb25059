#!/usr/bin/env python3
"""Build tests/data/mrz/mrz_corpus.tsv from the shared MRZ corpus (developer tool, not run by tests).

Keeps only rows whose licence allows copying (drops the GPL-3.0 Arg0s1080/mrz rows), keeps the
source's columns, and adds openbmis_expected / openbmis_expected_autocorrect (the outcome the unit
test asserts: FORMAT:VALID or FORMAT:INVALID:code@field,... sorted) and openbmis_note explaining every
row where openbmis disagrees with the source's own expectation.

usage: make_mrz_corpus_fixture.py SHARED_CORPUS EXPECTED EXPECTED_AUTOCORRECT NOTES > fixture.tsv
EXPECTED* hold one outcome per kept row (from a reviewed run); NOTES is 'row<TAB>note' lines.
"""
import sys

src, exp, expac, notes = sys.argv[1:5]
rows = [l.rstrip('\n').split('\t') for l in open(src, encoding='utf-8')]
header, rows = rows[0], [r for r in rows[1:] if not r[0].startswith('Arg0s1080/mrz')]
e = [l.strip() for l in open(exp)]
eac = [l.strip() for l in open(expac)]
nt = {}
for l in open(notes, encoding='utf-8'):
    if l.strip():
        k, v = l.rstrip('\n').split('\t', 1)
        nt[int(k)] = v
assert len(e) == len(rows) == len(eac), (len(e), len(rows))
out = sys.stdout
out.write('\t'.join(header + ['openbmis_expected', 'openbmis_expected_autocorrect', 'openbmis_note']) + '\n')
for i, r in enumerate(rows, 1):
    out.write('\t'.join(r + [e[i - 1], eac[i - 1], nt.get(i, '')]) + '\n')
