#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive data/usb-modem-ids.tsv: the names usb.ids gives the makers of data/lte-modems.tsv and all their
products, so an `lsusb` listing without names (or an id in dmesg) can be named.

usage: scripts/gen-usb-modems.py [--usb-ids /usr/share/misc/usb.ids] [--modems data/lte-modems.tsv]
                                 [--out data/usb-modem-ids.tsv]

Rows: usb_id (vid:pid, or vid:* for the maker itself), vendor (as usb.ids writes it), product (usb.ids
name, - for the maker row), curated (y when lte-modems.tsv has the id: its mode, packages and AT
commands are curated there and stay so).  Makers are the vendor ids of lte-modems.tsv; the modes of
other products are not known from usb.ids and are not guessed.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--usb-ids', default='/usr/share/misc/usb.ids')
    ap.add_argument('--modems', default=os.path.join(ROOT, 'data', 'lte-modems.tsv'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'data', 'usb-modem-ids.tsv'))
    a = ap.parse_args()
    if not os.path.exists(a.usb_ids):
        sys.exit('gen-usb-modems: %s is missing (apt-get install usb.ids)' % a.usb_ids)
    curated = set()
    vids = set()
    with open(a.modems, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            uid = line.split('\t')[0].strip().lower()
            if re.fullmatch(r'[0-9a-f]{4}:[0-9a-f]{4}', uid):
                curated.add(uid)
                vids.add(uid[:4])
    rows = []
    cur = None
    with open(a.usb_ids, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            if line.startswith('C '):
                break  # device classes follow the vendor list
            m = re.match(r'^([0-9a-f]{4})\s+(.*)$', line)
            if m:
                cur = (m.group(1), m.group(2).strip()) if m.group(1) in vids else None
                if cur:
                    rows.append(['%s:*' % cur[0], cur[1], '-', 'n'])
                continue
            m = re.match(r'^\t([0-9a-f]{4})\s+(.*)$', line)
            if m and cur:
                uid = '%s:%s' % (cur[0], m.group(1))
                rows.append([uid, cur[1], m.group(2).strip(), 'y' if uid in curated else 'n'])
    tmp = a.out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# derived by scripts/gen-usb-modems.py from usb.ids for the makers of lte-modems.tsv; do not edit by hand\n')
        f.write('# usb_id (vid:pid, vid:* = the maker)\tvendor\tproduct\tcurated (y: lte-modems.tsv has it)\n')
        for r in rows:
            f.write('\t'.join(x.replace('\t', ' ') for x in r) + '\n')
    os.replace(tmp, a.out)
    print('%s: %d makers, %d products' % (a.out, sum(1 for r in rows if r[0].endswith('*')),
                                           sum(1 for r in rows if not r[0].endswith('*'))), file=sys.stderr)


if __name__ == '__main__':
    main()
