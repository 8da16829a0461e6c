#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extend data/wifi-chips.tsv with the PCI wireless chips of pci.ids and the kernel's wifi drivers.

usage: scripts/gen-wifi-chips.py [--kernel DIR] [--pci-ids /usr/share/misc/pci.ids] [--wifi data/wifi-chips.tsv]

Rows it writes end their notes with "(gen-wifi-chips.py)" and are rewritten on every run; every other row
(curated PCI rows, the SoC rows of gen-socs.py) is kept, and a curated row wins over a generated one for
the same id.  For each PCI id that a driver under drivers/net/wireless of Linux 6.1 lists in its
pci_device_id table (PCI_DEVICE / PCI_VDEVICE, device ids resolved through the driver's #defines), and
each device of the wireless makers in pci.ids (Atheros/Qualcomm 168c and 17cb, MediaTek 14c3, Ralink
1814, Broadcom 14e4, Realtek 10ec, Marvell 11ab) whose name says 802.11/Wireless/WLAN:
- chip: the first chip name in the pci.ids name (QCA9984, MT7612E, BCM4360, RTL8822BE), aliases: the
  pci.ids name;
- bands: from the 802.11 letters of that name (a -> 5, b/g -> 2.4, ac -> 5 unless b/g/n are named too,
  ax -> 2.4/5), else ?;
- openwrt_driver: the OpenWrt kmod of the driver (the kmod-<driver>... package most OpenWrt devices
  list in DEVICE_PACKAGES, from data/openwrt-devices.tsv), open = yes; no driver: -, open = no.
"""
import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import kbgen_kernel  # noqa: E402

MAKERS = {'168c', '17cb', '14c3', '1814', '14e4', '10ec', '11ab'}
TAG = '(gen-wifi-chips.py)'


def pci_ids(path):
    vendors, devices = {}, {}
    cur = None
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            if line.startswith('C '):
                break  # device classes follow
            m = re.match(r'^([0-9a-f]{4})\s+(.*)$', line)
            if m:
                cur = m.group(1)
                vendors[cur] = m.group(2).strip()
                continue
            m = re.match(r'^\t([0-9a-f]{4})\s+(.*)$', line)
            if m and cur:
                devices[(cur, m.group(1))] = m.group(2).strip()
    return vendors, devices


def kernel_pci_tables(ktree):
    """(vendor, device) -> driver folder name, from the pci_device_id tables of drivers/net/wireless."""
    vid = {}
    ph = os.path.join(ktree, 'include', 'linux', 'pci_ids.h')
    if os.path.exists(ph):
        for m in re.finditer(r'#define\s+PCI_VENDOR_ID_(\w+)\s+(0x[0-9a-fA-F]+)', open(ph, encoding='utf-8').read()):
            vid[m.group(1)] = int(m.group(2), 16)
    out = {}
    top = os.path.join(ktree, 'drivers', 'net', 'wireless')
    for dirpath, _, fns in sorted(os.walk(top)):
        defs = {}
        texts = {}
        for fn in sorted(fns):
            if fn.endswith(('.c', '.h')):
                t = open(os.path.join(dirpath, fn), encoding='utf-8', errors='replace').read()
                texts[fn] = t
                for m in re.finditer(r'#define\s+(\w+)\s+\(?\s*(0x[0-9a-fA-F]+)\s*\)?', t):
                    defs.setdefault(m.group(1), int(m.group(2), 16))
        drv = os.path.relpath(dirpath, top).split(os.sep)
        name = drv[-1]
        if name in ('pcie', 'pci', 'base', 'rtl8192ce', 'rtl8192de', 'rtl8188ee', 'rtl8723ae', 'rtl8723be',
                    'rtl8821ae', 'rtl8192ee', 'rtl8192se'):
            name = drv[-1] if drv[-1].startswith('rtl') else drv[-2]
        for fn, t in texts.items():
            fname = name
            fm = re.fullmatch(r'rtw(\d+\w+)\.c', fn)
            if name in ('rtw88', 'rtw89') and fm:  # OpenWrt packages them per chip: kmod-rtw88-8822be
                fname = '%s-%s' % (name, fm.group(1))
            for m in re.finditer(r'(?:RTL_)?PCI_(V?)DEVICE\s*\(\s*(\w+)\s*,\s*(\w+)\s*[,)]', t):
                v, d = m.group(2), m.group(3)
                if m.group(1) == 'V':
                    v = vid.get(v)
                else:
                    v = int(v, 16) if v.startswith('0x') else vid.get(v.replace('PCI_VENDOR_ID_', ''))
                d = int(d, 16) if d.startswith('0x') else defs.get(d)
                if v is None or d is None or d == 0xffff:
                    continue
                out.setdefault(('%04x' % v, '%04x' % d), fname)
    return out


def kmod_for(driver, counts):
    """The OpenWrt package of a kernel wifi driver, as OpenWrt devices name it."""
    cands = [(n, k) for k, n in counts.items() if k.startswith('kmod-' + driver) and not k.endswith('-firmware')]
    if cands:
        return max(cands)[1]
    fw = [(n, k) for k, n in counts.items() if k.startswith('kmod-' + driver)]
    return max(fw)[1] if fw else 'kmod-' + driver


def bands(name):
    n = name.lower()
    m = re.search(r'802\.11\s*([a-z/]+)', n)
    if not m:
        return '?'
    s = m.group(1)
    has5 = 'a/' in s or s.startswith('a') or '/a' in s or 'ac' in s or 'ax' in s
    has24 = any(x in s.replace('ac', '').replace('ax', '') for x in ('b', 'g', 'n')) or 'ax' in s
    if s in ('ac',):
        has24 = False
    if s in ('n',):
        return '?'
    return '2.4/5 GHz' if has5 and has24 else '5 GHz' if has5 else '2.4 GHz' if has24 else '?'


def chip_of(name):
    m = re.search(r'\b((?:[A-Z]{2,5})\d{3,5}[A-Z0-9]*)\b', name)
    return m.group(1) if m else ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernel', default='')
    ap.add_argument('--pci-ids', default='/usr/share/misc/pci.ids')
    ap.add_argument('--wifi', default=os.path.join(ROOT, 'data', 'wifi-chips.tsv'))
    ap.add_argument('--devices', default=os.path.join(ROOT, 'data', 'openwrt-devices.tsv'))
    a = ap.parse_args()
    if not os.path.exists(a.pci_ids):
        sys.exit('gen-wifi-chips: %s is missing (apt-get install pci.ids)' % a.pci_ids)
    _, devices = pci_ids(a.pci_ids)
    kt = kbgen_kernel.kernel_tree(a.kernel)
    drivers = kernel_pci_tables(kt)
    counts = collections.Counter()
    with open(a.devices, encoding='utf-8') as f:
        head = None
        for line in f:
            if line.startswith('#'):
                continue
            c = line.rstrip('\n').split('\t')
            if head is None:
                head = c
                continue
            for k in c[head.index('wifi_kmods')].split():
                counts[k] += 1
    with open(a.wifi, encoding='utf-8') as f:
        lines = f.read().splitlines()
    keep = [l for l in lines if not l.rstrip().endswith(TAG)]
    have = {l.split('\t')[0] for l in keep if not l.startswith('#')}
    gen = []
    ids = set(k for k in drivers if k[0] in MAKERS) | {k for k, n in devices.items() if k[0] in MAKERS and
                                                        re.search(r'802\.11|wireless|wlan|wi-?fi', n, re.I)}
    for v, d in sorted(ids):
        pid = '%s:%s' % (v, d)
        if pid in have:
            continue
        name = devices.get((v, d), '')
        drv = drivers.get((v, d))
        chip = chip_of(name) or (name.split()[0] if name else '%s-%s' % (drv or 'pci', pid))
        kmod = kmod_for(drv, counts) if drv else '-'
        note = ('Linux 6.1 driver %s' % drv) if drv else 'no Linux 6.1 driver lists it'
        if drv and not any(k.startswith('kmod-' + drv) for k in counts):
            note += ' (no OpenWrt device lists a kmod-%s package: the name is assumed)' % drv
        gen.append('\t'.join([pid, chip, name.replace(',', ';') or '-', bands(name), kmod, 'yes' if drv else 'no',
                              '%s; pci.ids: %s %s' % (note, name or '(not named)', TAG)]))
    tmp = a.wifi + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('\n'.join(keep + gen) + '\n')
    os.replace(tmp, a.wifi)
    print('%s: %d curated/SoC rows kept, %d PCI rows generated (%d with a Linux driver)' % (
        a.wifi, len([l for l in keep if not l.startswith('#')]), len(gen), sum(1 for g in gen if '\tyes\t' in g)),
        file=sys.stderr)


if __name__ == '__main__':
    main()
