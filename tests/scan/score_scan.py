#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Score `mtdscope scan --json` against a truth file of expected components (issue 12's held-out measure).

usage: tests/scan/score_scan.py [--mtdscope PATH] [--root DIR] [--verbose] [--json] TRUTH.json

TRUTH.json ("schema": "mtdscope.scan-truth/1") lists images (paths relative to --root, by default the truth
file's directory) and, for each, the components a reader of the format finds there, written before the
scan ran:
  {"offset": N, "type": "squashfs", "children": null | [...], "damage": "..."}
"children": null means what lies inside is not scored; [] means nothing is known inside, so a finding
there is false.  A child's offset counts in its parent's decoded bytes (scan --json's "space"), or in
the raw bytes for a payload (no space), as scan --json counts it.  "scope": "other" marks an image of a
non-router format: it adds no expected component and is scored for false findings only.

Figures (the scan's gap components erased/zero/random/unknown are never findings):
  found        an expected component has a finding of its type under the same parent (any offset)
  exact        ... at its exact offset
  type         at the expected offsets where the scan reports something, the share with the right type
  false        findings with no expected component at their offset, in scored places (per image)
  defects      damaged components (with "damage") reported invalid or with a problem
"""
import argparse
import json
import os
import subprocess
import sys

GAPS = {'erased', 'zero', 'random', 'unknown'}
# a view (NAND spare, 16-bit swap, a mirrored read's first copy) wraps the image: its children are the image's top level
VIEWS = {'nand', 'byteswap16', 'mirror'}


def run_scan(exe, path):
    p = subprocess.run([exe, 'scan', '--json', path], capture_output=True, text=True)
    try:
        return json.loads(p.stdout), p.returncode, p.stderr.strip()
    except ValueError:
        return None, p.returncode, p.stderr.strip()


def kids_of(comps, pid):
    return [c for c in comps if c.get('parent') == pid and c.get('type') not in GAPS]


def top_level(doc):
    comps = doc.get('components', [])
    top = kids_of(comps, None)
    if len(top) == 1 and top[0].get('type') in VIEWS:
        inner = kids_of(comps, top[0]['id'])
        raw = lambda c: c.get('details', {}).get('raw_offset')
        return comps, [dict(c, offset=raw(c)) if isinstance(raw(c), int) else c for c in inner]
    return comps, top


class Tally:
    def __init__(self):
        self.expected = self.found = self.exact = 0
        self.at_offset = self.type_right = 0
        self.false = 0
        self.damaged = self.named = 0
        self.wrong = []

    def as_dict(self):
        return {k: getattr(self, k) for k in ('expected', 'found', 'exact', 'at_offset', 'type_right', 'false',
                                                  'damaged', 'named')}


def count_missed(t, img, where, truth):
    """Expected components under a parent the scan did not find: expected and missed."""
    for e in truth:
        t.expected += 1
        t.damaged += bool(e.get('damage'))
        t.wrong.append('%s: %s%s@%d: missed (its parent was not found)' % (img, where, e['type'], e['offset']))
        if e.get('children'):
            count_missed(t, img, '%s%s@%d/' % (where, e['type'], e['offset']), e['children'])


def score_level(t, img, where, truth, ours, comps):
    """truth: expected components at one level; ours: the scan's non-gap findings at that level."""
    matched = set()
    for e in truth:
        t.expected += 1
        same_type = [o for o in ours if o.get('type') == e['type']]
        at_off = [o for o in ours if o.get('offset') == e['offset']]
        hit = [o for o in same_type if o.get('offset') == e['offset']]
        if same_type:
            t.found += 1
        if hit:
            t.exact += 1
        if at_off:
            t.at_offset += 1
            if hit:
                t.type_right += 1
        if not hit:
            seen = ', '.join('%s@%s' % (o.get('type'), o.get('offset')) for o in (at_off or same_type)) or 'nothing'
            t.wrong.append('%s: %s%s@%d: missed (scan: %s)' % (img, where, e['type'], e['offset'], seen))
        for o in at_off:
            matched.add(o['id'])
        if e.get('damage'):
            t.damaged += 1
            cand = hit or at_off
            if cand and any((not o.get('valid', True)) or o.get('problems') for o in cand):
                t.named += 1
            else:
                t.wrong.append('%s: %s%s@%d: defect not named (%s)' % (img, where, e['type'], e['offset'], e['damage']))
        if e.get('children') is not None:
            inner = '%s%s@%d/' % (where, e['type'], e['offset'])
            if hit:
                score_level(t, img, inner, e['children'], kids_of(comps, hit[0]['id']), comps)
            else:
                count_missed(t, img, inner, e['children'])
    for o in ours:
        if o['id'] not in matched:
            t.false += 1
            t.wrong.append('%s: %sfalse finding %s@%s' % (img, where, o.get('type'), o.get('offset')))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('truth')
    ap.add_argument('--mtdscope', default=os.environ.get('MTDSCOPE', 'build/src/cli/mtdscope'))
    ap.add_argument('--root', help='directory the image paths are relative to (default: the truth file\'s)')
    ap.add_argument('--verbose', '-v', action='store_true', help='list every miss and false finding')
    ap.add_argument('--json', action='store_true', help='print the figures as JSON')
    a = ap.parse_args()
    doc = json.load(open(a.truth))
    if doc.get('schema') != 'mtdscope.scan-truth/1':
        print('score_scan.py: %s: not a scan truth file (schema %r)' % (a.truth, doc.get('schema')), file=sys.stderr)
        return 2
    base = a.root or os.path.dirname(os.path.abspath(a.truth))
    t = Tally()
    images = 0
    for im in doc['images']:
        path = os.path.join(base, im['file'])
        if not os.path.exists(path):
            print('score_scan.py: %s: missing (recreate the corpus first)' % path, file=sys.stderr)
            return 2
        images += 1
        out, rc, err = run_scan(a.mtdscope, path)
        if out is None:
            t.wrong.append('%s: scan exited %d without JSON: %s' % (im['file'], rc, err[:160]))
            count_missed(t, im['file'], '', im['components'])
            continue
        comps, top = top_level(out)
        score_level(t, im['file'], '', im['components'], top, comps)
    pct = lambda n, d: '(%.0f%%)' % (100.0 * n / d) if d else ''
    if a.json:
        r = t.as_dict()
        r['images'] = images
        print(json.dumps(r, indent=1))
    else:
        print('%d images, %d expected components (%s)' % (images, t.expected, a.truth))
        print('  found        %3d/%-3d %s' % (t.found, t.expected, pct(t.found, t.expected)))
        print('  exact        %3d/%-3d %s' % (t.exact, t.expected, pct(t.exact, t.expected)))
        print('  type         %3d/%-3d %s' % (t.type_right, t.at_offset, pct(t.type_right, t.at_offset)))
        print('  false        %3d in %d images (%.2f per image)' % (t.false, images, t.false / images if images else 0))
        print('  defects      %3d/%-3d %s' % (t.named, t.damaged, pct(t.named, t.damaged)))
        if a.verbose:
            for w in t.wrong:
                print('  wrong: ' + w)
    return 0


if __name__ == '__main__':
    sys.exit(main())
