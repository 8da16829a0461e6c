#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive data/brands.tsv from the vendor fields of data/openwrt-devices.tsv.

usage: scripts/gen-brands.py [--devices data/openwrt-devices.tsv] [--out data/brands.tsv]

A brand is every DEVICE_VENDOR and DEVICE_ALTn_VENDOR of the devices OpenWrt builds.  Spellings that
differ only in case and punctuation ("TP-Link", "TP-LINK", "tplink") are one brand, written as most
devices write it; its aliases are those spellings plus the device-tree vendor prefixes of its devices
("tplink," in "tplink,archer-c6-v3") when most of that prefix's devices are of this brand.  Columns:
brand, aliases (comma separated), devices (how many rows name it), targets (where they are built).
Matching is case-insensitive on whole words, and only on lines that name a device (the facts code).
"""
import argparse
import collections
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def norm(s):
    return re.sub(r'[^a-z0-9]', '', s.lower())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--devices', default=os.path.join(ROOT, 'data', 'openwrt-devices.tsv'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'data', 'brands.tsv'))
    a = ap.parse_args()
    with open(a.devices, encoding='utf-8') as f:
        lines = [l.rstrip('\n') for l in f if not l.startswith('#')]
    head = lines[0].split('\t')
    devs = [dict(zip(head, l.split('\t'))) for l in lines[1:]]
    spell = collections.defaultdict(collections.Counter)
    count = collections.Counter()
    targets = collections.defaultdict(set)
    prefix_brand = collections.defaultdict(collections.Counter)
    for d in devs:
        vendors = []
        if d['vendor'] not in ('', '-'):
            vendors.append(d['vendor'])
        for alt in d['alt_titles'].split(';'):
            v = alt.split('|')[0] if alt not in ('', '-') else ''
            if v:
                vendors.append(v)
        for v in dict.fromkeys(vendors):
            k = norm(v)
            if not k:
                continue
            spell[k][v] += 1
            count[k] += 1
            targets[k].add(d['target'])
        if d['vendor'] not in ('', '-'):
            for c in [d['compatible']] + d['boards'].split():
                if ',' in c:
                    prefix_brand[c.split(',')[0].lower()][norm(d['vendor'])] += 1
    aliases = collections.defaultdict(set)
    for k, c in spell.items():
        aliases[k].update(c)
    for p, c in prefix_brand.items():
        k, n = c.most_common(1)[0]
        if n * 2 > sum(c.values()) and k in spell and len(p) >= 3 and p not in {x.lower() for x in aliases[k]}:
            aliases[k].add(p)
    tmp = a.out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# derived by scripts/gen-brands.py from the vendor fields of data/openwrt-devices.tsv; do not edit by hand\n')
        f.write('# brand\taliases (comma separated spellings and DT vendor prefixes)\tdevices\ttargets\n')
        for k in sorted(spell, key=lambda k: (-count[k], k)):
            name = spell[k].most_common(1)[0][0]
            al = sorted(aliases[k] - {name}, key=lambda x: (-len(x), x))
            f.write('\t'.join([name, ','.join(al) or '-', str(count[k]), ','.join(sorted(targets[k]))]) + '\n')
    os.replace(tmp, a.out)
    print('%s: %d brands' % (a.out, len(spell)))


if __name__ == '__main__':
    main()
