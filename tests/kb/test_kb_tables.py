#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integrity of the committed knowledge tables (data/*.tsv), printed as TAP.

The generators need OpenWrt's build files and linux-source-6.1, which the tests do not have, so they cannot re-run them; this checks what
they committed: column counts, keys that must be unique, sizes in sane ranges, and the references
between tables (a device's SoC is an SoC row, an SoC's built-in radio is a wifi row).
usage: test_kb_tables.py DATA_DIR
"""
import os
import re
import sys

n = 0
failed = 0


def ok(cond, name, detail=''):
    global n, failed
    n += 1
    print('%sok %d - %s' % ('' if cond else 'not ', n, name))
    if not cond:
        failed += 1
        if detail:
            print('#   ' + detail.replace('\n', '\n#   '))


def rows(path, ncols, header=None):
    out = []
    bad = []
    with open(path, encoding='utf-8') as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            c = line.split('\t')
            if header and c[0] == header:
                continue
            if len(c) != ncols:
                bad.append('%s:%d: %d columns' % (os.path.basename(path), ln, len(c)))
            out.append((ln, c))
    ok(not bad, '%s: every row has %d columns' % (os.path.basename(path), ncols), '\n'.join(bad[:5]))
    return out


def dups(keys):
    seen, d = set(), []
    for k in keys:
        if k in seen:
            d.append(k)
        seen.add(k)
    return d


def main():
    data = sys.argv[1]
    dev = rows(os.path.join(data, 'openwrt-devices.tsv'), 34, header='target')
    soc = rows(os.path.join(data, 'socs.tsv'), 11)
    fl = rows(os.path.join(data, 'flash-chips.tsv'), 9)
    wifi = rows(os.path.join(data, 'wifi-chips.tsv'), 7)
    br = rows(os.path.join(data, 'brands.tsv'), 4)
    rows(os.path.join(data, 'lte-modems.tsv'), 11)
    usb = rows(os.path.join(data, 'usb-modem-ids.tsv'), 4)
    d = dups(c[0] for _, c in usb)
    ok(not d, 'usb-modem-ids: ids unique', repr(d[:5]))
    bad = [c[0] for _, c in usb if not re.fullmatch(r'[0-9a-f]{4}:([0-9a-f]{4}|\*)', c[0]) or c[3] not in 'yn']
    ok(not bad, 'usb-modem-ids: vid:pid and y/n', repr(bad[:5]))

    # devices: one row per target/subtarget/image name; sizes sane
    d = dups((c[0], c[1], c[15]) for _, c in dev)
    ok(not d, 'openwrt-devices: target/subtarget/device unique', repr(d[:5]))
    targets = set(c[0] for _, c in dev)
    ok(len(targets) >= 40, 'openwrt-devices: %d targets' % len(targets))
    for t in ('ramips', 'mediatek', 'ath79', 'ipq40xx', 'ipq806x', 'qualcommax', 'bcm27xx', 'bcm47xx', 'bcm53xx',
              'bmips', 'lantiq', 'realtek', 'mvebu', 'kirkwood', 'octeon', 'x86'):
        ok(t in targets, 'openwrt-devices: target %s is there' % t)
    bad = [c[15] for _, c in dev if c[7] != '0' and not (512 << 10 <= int(c[7]) <= 1 << 40)]
    ok(not bad, 'openwrt-devices: flash sizes are 0 or 512 KiB..1 TiB', repr(bad[:5]))
    bad = [c[15] for _, c in dev if c[8] != '0' and not (2 << 20 <= int(c[8]) <= 1 << 37)]
    ok(not bad, 'openwrt-devices: RAM sizes are 0 or 2 MiB..128 GiB', repr(bad[:5]))
    bad = [c[15] for _, c in dev if c[21] != '0' and c[7] != '0' and c[25] == 'dts' and int(c[21]) > int(c[7])]
    ok(len(bad) * 100 <= len(dev), 'openwrt-devices: IMAGE_SIZE above the DT flash size in under 1%% (%d)' % len(bad),
       repr(bad[:5]))
    bad = [c[15] for _, c in dev if c[6] not in ('-', 'nor', 'nand', 'emmc')]
    ok(not bad, 'openwrt-devices: flash types are nor/nand/emmc', repr(bad[:5]))
    bad = [c[15] for _, c in dev if c[14] != '-' and not re.fullmatch(r'([^@;]+@0x[0-9a-f]+\+0x[0-9a-f]+(\[[^\]]*\])?;?)+', c[14])]
    ok(not bad, 'openwrt-devices: partitions are name@0xoff+0xsize[compat]', repr(bad[:5]))
    bad = [c[15] for _, c in dev if c[5] == '-' or (c[4] == '-' and (c[31] != '-' or c[20] != '-'))]
    ok(not bad, 'openwrt-devices: every device has a model, and a compatible when it has a DT or board names',
       repr(bad[:5]))
    bad = [c[15] for _, c in dev if c[11] not in 'yn' or c[12] not in 'yn']
    ok(not bad, 'openwrt-devices: lte/usb are y/n', repr(bad[:5]))

    # SoCs: names unique, aliases claimed once, every device SoC resolves
    d = dups(c[0].upper() for _, c in soc)
    ok(not d, 'socs: names unique', repr(d[:5]))
    names = {c[0].upper() for _, c in soc}
    alias_owner = {}
    clash = []
    for _, c in soc:
        for a in c[1].split(','):
            if not a or a == '-':
                continue
            if a.upper() in alias_owner and alias_owner[a.upper()] != c[0]:
                clash.append(a)
            alias_owner[a.upper()] = c[0]
    ok(not clash, 'socs: no alias names two SoCs', repr(clash[:5]))
    miss = sorted(set(c[2] for _, c in dev if c[2] != '-' and c[2].upper() not in names and c[2].upper() not in alias_owner))
    ok(not miss, 'socs: every device SoC is an SoC name or alias', repr(miss[:5]))
    bad = [c[0] for _, c in soc if not re.fullmatch(r'\d+', c[4]) or int(c[4]) > 64]
    ok(not bad, 'socs: core counts 0..64', repr(bad[:5]))
    bad = [c[0] for _, c in soc if c[7] not in ('supported', 'target', 'none')]
    ok(not bad, 'socs: status is supported/target/none', repr(bad[:5]))
    ok(all(c[5] in targets for _, c in soc if c[7] == 'supported'), 'socs: a supported SoC has a built target')
    chips = {c[1] for _, c in wifi}
    bad = [c[0] for _, c in soc if c[8] != '-' and c[8] not in chips]
    ok(not bad, 'socs: every built-in radio is a wifi-chips row', repr(bad[:5]))

    # flash chips: ids hex, sizes sane, the same chip not twice from one source
    bad = [ln for ln, c in fl if c[0] != '-' and not re.fullmatch(r'([0-9a-f]{2})+', c[0])]
    ok(not bad, 'flash-chips: ids are lowercase hex bytes', repr(bad[:5]))
    bad = [ln for ln, c in fl if not (128 <= int(c[2]) <= 1 << 37)]
    ok(not bad, 'flash-chips: sizes 128 B..128 GiB', repr(bad[:5]))
    d = dups((c[0], c[1], c[8]) for _, c in fl)
    ok(not d, 'flash-chips: id/name/source unique', repr(d[:5]))
    nor = [c for _, c in fl if c[3] == 'nor' and len(c[0]) == 6]
    ok(len(nor) >= 150, 'flash-chips: %d SPI NOR chips with JEDEC ids' % len(nor))
    ok(sum(1 for _, c in fl if c[3] == 'spi-nand') >= 30, 'flash-chips: SPI NAND chips')
    ok(sum(1 for _, c in fl if c[8].startswith('flashrom')) >= 300, 'flash-chips: flashrom chips')

    # brands
    d = dups(c[0].lower() for _, c in br)
    ok(not d, 'brands: names unique', repr(d[:5]))
    bad = [c[0] for _, c in br if not re.fullmatch(r'\d+', c[2]) or int(c[2]) < 1]
    ok(not bad, 'brands: device counts', repr(bad[:5]))
    vendors = {c[16].lower() for _, c in dev if c[16] != '-'}
    known = {c[0].lower() for _, c in br} | {a.lower() for _, c in br for a in c[1].split(',')}
    ok(vendors <= known, 'brands: every DEVICE_VENDOR is a brand or alias', repr(sorted(vendors - known)[:5]))

    # wifi chips: PCI ids well formed and unique
    bad = [c[0] for _, c in wifi if c[0] != '-' and not re.fullmatch(r'[0-9a-f]{4}:[0-9a-f]{4}', c[0])]
    ok(not bad, 'wifi-chips: pci ids vvvv:dddd', repr(bad[:5]))
    d = dups(c[0] for _, c in wifi if c[0] != '-')
    ok(not d, 'wifi-chips: pci ids unique', repr(d[:5]))
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
