#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Score `mtdscope assess --json` against the truth.json of every case directory under ROOT.

usage: tests/device/score.py [--mtdscope PATH] [--verbose] [--json] ROOT

A case is a directory holding truth.json (the format of tests/data/real-logs/*/truth.json).  Its
input is raw.txt when the case has one (the whole paste), else every *.txt file but source.txt.
Facts are scored only where the truth gives them (not null):
  soc          our SoC (variant or canonical name) occurs as a word in the truth's "soc" text
  ram          ram_mib equal
  flash size   flash.size_mib equal
  jedec        flash.jedec_id equal (case-insensitive)
and the verdict (truth "unsupportable" counts as "not-viable").  Prints right/total per kind.
"""
import argparse
import json
import os
import re
import subprocess
import sys

KINDS = ['soc', 'ram', 'flash size', 'jedec']


def case_inputs(d):
    raw = os.path.join(d, 'raw.txt')
    if os.path.exists(raw):
        return [raw]
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.txt') and f != 'source.txt')


def word_in(needle, hay):
    """needle as a word of hay; names written with or without a blank or dash ("Armada 385",
    "ARMADA385", "Armada-385") are the same name"""
    def squash(t):
        return re.sub(r'(?<=[A-Za-z])[ -](?=[0-9])', '', t.lower())
    return re.search(r'(?<![A-Za-z0-9])' + re.escape(squash(needle)) + r'(?![0-9])', squash(hay)) is not None


def val(profile, key):
    v = profile.get(key)
    return v.get('value') if isinstance(v, dict) else None


def norm_verdict(v):
    return {'unsupportable': 'not-viable'}.get(v, v)


def score_case(exe, d):
    truth = json.load(open(os.path.join(d, 'truth.json')))
    inputs = case_inputs(d)
    p = subprocess.run([exe, 'assess', '--json'] + inputs, capture_output=True, text=True)
    res = {}  # kind -> (good, ours, want)
    try:
        j = json.loads(p.stdout)
        prof = j.get('profile', {})
    except ValueError:
        j, prof = {'verdict': None}, {}
    fl = truth.get('flash') or {}
    if truth.get('soc'):
        ours = [x for x in (val(prof, 'soc_variant'), val(prof, 'soc')) if x]
        res['soc'] = (any(word_in(o, truth['soc']) for o in ours), ' / '.join(ours) or None, truth['soc'])
    if truth.get('ram_mib') is not None:
        rb = val(prof, 'ram_bytes')
        ours = rb >> 20 if isinstance(rb, int) else None
        res['ram'] = (ours == truth['ram_mib'], ours, truth['ram_mib'])
    if fl.get('size_mib') is not None:
        fb = val(prof, 'flash_bytes')
        ours = fb >> 20 if isinstance(fb, int) else None
        res['flash size'] = (ours == fl['size_mib'], ours, fl['size_mib'])
    if fl.get('jedec_id'):
        ours = val(prof, 'flash_jedec')
        res['jedec'] = ((ours or '').lower() == fl['jedec_id'].lower(), ours, fl['jedec_id'])
    if truth.get('openwrt_verdict'):
        want = norm_verdict(truth['openwrt_verdict'])
        res['verdict'] = (j.get('verdict') == want, j.get('verdict'), want)
    return res, p.returncode, p.stderr.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('root')
    ap.add_argument('--mtdscope', default=os.environ.get('MTDSCOPE', 'build/mtdscope'))
    ap.add_argument('--verbose', '-v', action='store_true', help='list every wrong answer')
    ap.add_argument('--json', action='store_true', help='print the figures as JSON')
    a = ap.parse_args()
    cases = sorted(c for c in os.listdir(a.root) if os.path.isfile(os.path.join(a.root, c, 'truth.json')))
    if not cases:
        print('score.py: no case directory with truth.json under %s' % a.root, file=sys.stderr)
        return 2
    tally = {k: [0, 0] for k in KINDS + ['verdict']}
    wrong = []
    for c in cases:
        res, rc, err = score_case(a.mtdscope, os.path.join(a.root, c))
        if rc not in (0, 1):
            wrong.append('%s: assess exited %d: %s' % (c, rc, err[:160]))
        for k, (good, ours, want) in res.items():
            tally[k][1] += 1
            tally[k][0] += bool(good)
            if not good:
                wrong.append('%s: %s: ours %r, truth %r' % (c, k, ours, want))
    facts = [sum(tally[k][0] for k in KINDS), sum(tally[k][1] for k in KINDS)]
    if a.json:
        out = {k: {'right': v[0], 'total': v[1]} for k, v in tally.items()}
        out['facts'] = {'right': facts[0], 'total': facts[1]}
        out['cases'] = len(cases)
        print(json.dumps(out, indent=1))
    else:
        print('%d cases under %s' % (len(cases), a.root))
        for k in KINDS:
            r, t = tally[k]
            print('  %-11s %3d/%-3d %s' % (k, r, t, '(%.0f%%)' % (100.0 * r / t) if t else ''))
        print('  %-11s %3d/%-3d %s' % ('facts', facts[0], facts[1],
                                        '(%.0f%%)' % (100.0 * facts[0] / facts[1]) if facts[1] else ''))
        r, t = tally['verdict']
        print('  %-11s %3d/%-3d %s' % ('verdicts', r, t, '(%.0f%%)' % (100.0 * r / t) if t else ''))
        if a.verbose:
            for w in wrong:
                print('  wrong: ' + w)
    return 0


if __name__ == '__main__':
    sys.exit(main())
