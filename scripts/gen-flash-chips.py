#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive data/flash-chips.tsv from the Linux kernel's flash id tables and flashrom's chip list.

usage: scripts/gen-flash-chips.py [--kernel DIR] [--out data/flash-chips.tsv] [--no-flashrom]
  --kernel  an unpacked Linux tree (default: the Debian package linux-source-6.1, see kbgen_kernel.py)

Sources, one row per entry (the same JEDEC id may have several rows: the kernel lists some ids
under several names, sometimes with different sizes; a lookup keeps all candidates):
- drivers/mtd/spi-nor/<vendor>.c: `{ "w25q128", INFO(0xef4018, 0, 64 * 1024, 256) ...}` (also INFO6,
  CAT25_INFO, S3AN_INFO): JEDEC id (3 bytes), extended id, name, size = sector size x sectors,
  vendor = the file's spi_nor_manufacturer .name;
- drivers/mtd/nand/spi/<vendor>.c: SPINAND_INFO("W25N01GV", SPINAND_ID(method, 0xaa[, ...]),
  NAND_MEMORG(bits/cell, page, oob, pages/block, blocks/LUN, bad blocks, planes, LUNs/target,
  targets)): id = manufacturer byte (SPINAND_MFR_*) + device bytes, size = page x pages/block x
  blocks/LUN x LUNs/target x targets;
- drivers/mtd/nand/raw/nand_ids.c: full-id entries (name, 8 id bytes, page, chip size MiB, erase) and
  LEGACY_ID_NAND/EXTENDED_ID_NAND (name, device byte, MiB): id = manufacturer + device byte for full
  ids, the device byte alone (any manufacturer) for the generic ones;
- `flashrom -L` (Debian package flashrom): vendor, chip name(s), size in KiB, bus type; no JEDEC id.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import kbgen_kernel  # noqa: E402

SZ = {'SZ_%s' % k: v for k, v in (('512', 512), ('1K', 1 << 10), ('2K', 2 << 10), ('4K', 4 << 10), ('8K', 8 << 10),
                                  ('16K', 16 << 10), ('32K', 32 << 10), ('64K', 64 << 10), ('128K', 128 << 10),
                                  ('256K', 256 << 10), ('512K', 512 << 10), ('1M', 1 << 20), ('2M', 2 << 20),
                                  ('4M', 4 << 20), ('8M', 8 << 20), ('16M', 16 << 20), ('32', 32), ('64', 64),
                                  ('128', 128), ('256', 256), ('1', 1), ('2', 2), ('4', 4), ('8', 8), ('16', 16))}


def num(expr, names=None):
    """An integer C expression of the tables: literals, SZ_ constants, * + - << and parentheses."""
    e = expr.strip()
    for k, v in sorted(dict(SZ, **(names or {})).items(), key=lambda kv: -len(kv[0])):
        e = re.sub(r'\b%s\b' % re.escape(k), str(v), e)
    e = re.sub(r'\b(0x[0-9a-fA-F]+|\d+)[uUlL]*\b', r'\1', e)
    if not re.fullmatch(r'[0-9a-fA-Fx\s*+\-<>()]+', e):
        raise ValueError(expr)
    return int(eval(e, {'__builtins__': {}}, {}))  # noqa: S307 (checked to be arithmetic only)


def args_of(text, i):
    """text[i] == '('; the top-level comma-separated arguments and the index after ')'."""
    depth, cur, out = 0, [], []
    j = i
    while j < len(text):
        c = text[j]
        if c == '(':
            depth += 1
            if depth == 1:
                j += 1
                continue
        elif c == ')':
            depth -= 1
            if depth == 0:
                out.append(''.join(cur))
                return out, j + 1
        if c == ',' and depth == 1:
            out.append(''.join(cur))
            cur = []
        else:
            cur.append(c)
        j += 1
    return out, j


def strip_comments(t):
    t = re.sub(r'/\*.*?\*/', ' ', t, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', t)


def spi_nor(ktree):
    rows = []
    d = os.path.join(ktree, 'drivers', 'mtd', 'spi-nor')
    for fn in sorted(os.listdir(d)):
        if not fn.endswith('.c'):
            continue
        t = strip_comments(open(os.path.join(d, fn), encoding='utf-8', errors='replace').read())
        vm = re.search(r'struct\s+spi_nor_manufacturer\s+\w+\s*=\s*\{[^}]*?\.name\s*=\s*"([^"]+)"', t, re.S)
        vendor = vm.group(1) if vm else fn[:-2]
        for m in re.finditer(r'\{\s*"([^"]+)"\s*,\s*(INFO6|INFO|CAT25_INFO|S3AN_INFO)\s*\(', t):
            name, macro = m.group(1), m.group(2)
            a, _ = args_of(t, m.end() - 1)
            try:
                if macro in ('INFO', 'INFO6'):
                    jedec, ext, sect, n = (num(x) for x in a[:4])
                    idhex = '%06x' % jedec if jedec else ''
                    exthex = ('%06x' if macro == 'INFO6' else '%04x') % ext if ext else ''
                elif macro == 'CAT25_INFO':
                    sect, n = num(a[0]), num(a[1])
                    idhex, exthex = '', ''
                else:  # S3AN_INFO(jedec, n_sectors, page_size): Xilinx, sector = 8 pages
                    jedec, n, page = num(a[0]), num(a[1]), num(a[2])
                    sect = page * 8
                    idhex, exthex = '%06x' % jedec, ''
            except (ValueError, IndexError, SyntaxError):
                print('gen-flash-chips: %s: cannot read the entry of %s' % (fn, name), file=sys.stderr)
                continue
            rows.append({'jedec': idhex, 'name': name.upper(), 'size': sect * n, 'type': 'nor', 'vendor': vendor,
                         'aliases': '', 'ext_id': exthex, 'erase': sect, 'source': 'linux-6.1:spi-nor/' + fn})
    return rows


def spi_nand(ktree):
    rows = []
    d = os.path.join(ktree, 'drivers', 'mtd', 'nand', 'spi')
    for fn in sorted(os.listdir(d)):
        if not fn.endswith('.c') or fn == 'core.c':
            continue
        t = strip_comments(open(os.path.join(d, fn), encoding='utf-8', errors='replace').read())
        mm = re.search(r'#define\s+SPINAND_MFR_\w+\s+(0x[0-9a-fA-F]+)', t)
        if not mm:
            continue
        mfr = int(mm.group(1), 16)
        vm = re.search(r'struct\s+spinand_manufacturer\s+\w+\s*=\s*\{[^}]*?\.name\s*=\s*"([^"]+)"', t, re.S)
        vendor = vm.group(1) if vm else fn[:-2]
        for m in re.finditer(r'SPINAND_INFO\s*\(', t):
            a, _ = args_of(t, m.end() - 1)
            if len(a) < 3:
                continue
            name = a[0].strip().strip('"')
            im = re.search(r'SPINAND_ID\s*\(', a[1])
            om = re.search(r'NAND_MEMORG\s*\(', a[2])
            if not im or not om:
                continue
            ia, _ = args_of(a[1], im.end() - 1)
            oa, _ = args_of(a[2], om.end() - 1)
            try:
                ids = [num(x) for x in ia[1:]]
                bpc, ps, oob, ppe, epl, mbb, ppl, lpt, nt = (num(x) for x in oa[:9])
            except (ValueError, SyntaxError):
                print('gen-flash-chips: %s: cannot read %s' % (fn, name), file=sys.stderr)
                continue
            rows.append({'jedec': '%02x' % mfr + ''.join('%02x' % x for x in ids), 'name': name.upper(),
                         'size': ps * ppe * epl * lpt * nt, 'type': 'spi-nand', 'vendor': vendor, 'aliases': '',
                         'ext_id': '', 'erase': ps * ppe, 'source': 'linux-6.1:nand/spi/' + fn})
    return rows


def raw_nand(ktree):
    rows = []
    base = os.path.join(ktree, 'drivers', 'mtd', 'nand', 'raw')
    t = strip_comments(open(os.path.join(base, 'nand_ids.c'), encoding='utf-8', errors='replace').read())
    mfr_ids = {}
    ip = os.path.join(base, 'internals.h')
    if os.path.exists(ip):
        for m in re.finditer(r'#define\s+(NAND_MFR_\w+)\s+(0x[0-9a-fA-F]+)', open(ip, encoding='utf-8').read()):
            mfr_ids[m.group(1)] = int(m.group(2), 16)
    mfr_names = {}
    for m in re.finditer(r'\{\s*(NAND_MFR_\w+)\s*,\s*"([^"]+)"', t):
        if m.group(1) in mfr_ids:
            mfr_names[mfr_ids[m.group(1)]] = m.group(2)
    for m in re.finditer(r'\{\s*"([^"]+)"\s*,\s*\{\s*\.id\s*=\s*\{([^}]*)\}\s*\}\s*,([^}]*)', t):
        name = m.group(1)
        idb = [num(x) for x in m.group(2).split(',') if x.strip()]
        rest = [x for x in m.group(3).split(',') if x.strip()]
        try:
            page, chip_mib, erase = num(rest[0]), num(rest[1]), num(rest[2])
        except (ValueError, IndexError):
            continue
        rows.append({'jedec': '%02x%02x' % (idb[0], idb[1]), 'name': name.split()[0].upper(), 'size': chip_mib << 20,
                     'type': 'nand', 'vendor': mfr_names.get(idb[0], ''), 'aliases': '', 'ext_id': ''.join('%02x' % x for x in idb[2:]),
                     'erase': erase, 'source': 'linux-6.1:nand/raw/nand_ids.c'})
    for m in re.finditer(r'(LEGACY_ID_NAND|EXTENDED_ID_NAND)\s*\(\s*"([^"]+)"\s*,\s*(0x[0-9a-fA-F]+)\s*,\s*(\d+)\s*,\s*([^,)]+)', t):
        kind, name, dev, mib, erase = m.groups()
        try:
            er = num(erase) if kind == 'LEGACY_ID_NAND' else 0
        except ValueError:
            er = 0
        rows.append({'jedec': '%02x' % int(dev, 16), 'name': name.upper(), 'size': int(mib) << 20, 'type': 'nand',
                     'vendor': '', 'aliases': '', 'ext_id': '', 'erase': er, 'source': 'linux-6.1:nand/raw/nand_ids.c'})
    return rows


def flashrom():
    try:
        out = subprocess.run(['flashrom', '-L'], capture_output=True, text=True, check=False).stdout
    except OSError:
        print('gen-flash-chips: flashrom is not installed (apt-get install flashrom); its chips are left out', file=sys.stderr)
        return []
    rows = []
    cols = None
    for line in out.splitlines():
        if cols is None:
            if line.startswith('Vendor') and 'Device' in line and 'Size' in line:
                # fixed-width columns: where each heading starts
                cols = [line.index(h) for h in ('Vendor', 'Device', 'Test', 'Size', 'Type')]
            continue
        if not line.strip():
            if rows:
                break
            continue
        vendor = line[cols[0]:cols[1]].strip()
        dev = line[cols[1]:cols[2]].strip()
        tail = line[cols[2]:].split()
        sizes = [x for x in tail if x.isdigit()]
        if not vendor or not dev or not sizes:
            continue
        kib = sizes[0]
        bus = ' '.join(tail[tail.index(kib) + 1:])
        # "MX25L12805D/MX25L12835F/MX25L12845E/..." are several names; "W25Q128.V" has a wildcard
        names = [n for n in re.split(r'/', dev) if n]
        first = names[0]
        alts = []
        for n in names[1:]:
            # a short part after '/' replaces the end of the first name ("M25P05-A/M25P05" style lists)
            alts.append(n if len(n) >= 4 else first[:len(first) - len(n)] + n)
        typ = 'nor' if 'SPI' in bus else 'parallel' if 'Parallel' in bus else bus.strip().lower().replace(' ', '')
        rows.append({'jedec': '', 'name': first.upper(), 'size': int(kib) * 1024, 'type': typ, 'vendor': vendor,
                     'aliases': ','.join(a.upper() for a in alts), 'ext_id': '', 'erase': 0, 'source': 'flashrom-1.3'})
    return rows


COLS = ['jedec', 'name', 'size', 'type', 'vendor', 'aliases', 'ext_id', 'erase', 'source']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernel', default='')
    ap.add_argument('--out', default=os.path.join(ROOT, 'data', 'flash-chips.tsv'))
    ap.add_argument('--no-flashrom', action='store_true')
    a = ap.parse_args()
    kt = kbgen_kernel.kernel_tree(a.kernel)
    nor, snand, rnand = spi_nor(kt), spi_nand(kt), raw_nand(kt)
    fr = [] if a.no_flashrom else flashrom()
    rows = nor + snand + rnand + fr
    seen = set()
    uniq = []
    nosize = [r['name'] for r in rows if r['size'] <= 0]
    if nosize:  # sizes the kernel reads from the chip's SFDP tables at run time
        print('gen-flash-chips: no size in the table (SFDP): %s' % ' '.join(nosize), file=sys.stderr)
    for r in rows:
        if r['size'] <= 0:
            continue
        k = (r['jedec'], r['name'], r['size'], r['type'], r['source'])
        if k in seen:
            continue
        seen.add(k)
        uniq.append(r)
    tmp = a.out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# derived by scripts/gen-flash-chips.py from Linux 6.1 (drivers/mtd/spi-nor, nand/spi, nand/raw/nand_ids.c) '
                'and flashrom -L; do not edit by hand\n')
        f.write('# jedec (manufacturer + device bytes, lowercase hex; one byte: a raw NAND device id of any maker; - none)'
                '\tname\tsize_bytes\ttype (nor|spi-nand|nand|parallel|...)\tvendor\taliases\text_id\terase_bytes\tsource\n')
        for r in uniq:
            f.write('\t'.join(str(r[c]) if str(r[c]) != '' else '-' for c in COLS) + '\n')
    os.replace(tmp, a.out)
    print('%s: %d chips (spi-nor %d, spi-nand %d, raw nand %d, flashrom %d)' % (a.out, len(uniq), len(nor), len(snand), len(rnand), len(fr)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
