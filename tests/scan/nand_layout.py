#!/usr/bin/env python3
"""Lay images out as a raw NAND dump with spare areas, as a programmer or `nanddump --oob` reads it.

usage: nand_layout.py OUT EXPECTED --page 2048 --oob 64 --blocks N [--bad B]... [--table none|bmt|nmbm] [--erased-oob]
                      [--remap LOGICAL:PHYSICAL] LOGICAL_BLOCK:FILE...

Every page: PAGE data bytes, then OOB spare bytes.  Pages whose data is all 0xFF are left erased (spare all
0xFF, as a NAND page that was never programmed).  Written pages get the bad-block marker bytes 0xFF at spare
0..1 and a Hamming ECC (3 bytes per 256 data bytes, the SmartMedia / Linux nand_ecc code: line parities
then column parities, inverted so that erased data has an erased ECC) at the end of the spare
(nand_oob_64 places it at 40..63).  A bad block (--bad) carries a marker 0x00 at spare byte 0 of its first
page and junk data, and is skipped when logical blocks are laid out (as nandwrite skips it).

--table bmt writes a MediaTek BMT v2 table (mtk_bmt_v2.c: "BMT" + version 2, then little-endian u16
bb_tbl[logical] = physical for the blocks before the pool, the pool being the last 80 blocks, the kernel's
MTD ending two blocks before it; "bmt" at spare bytes 1..3) into the last good block.
--table nmbm writes an NMBM signature ("NMM0", mtk_bmt_nmbm.c struct nmbm_signature) in the last good
block and an info table ("NMM1": header, write count, state table of 2 bits per block, int32 logical ->
physical map) at the start of the management area (the last 1/8 of the chip here).
--remap L:P places logical block L in physical block P instead (a block the table moved).

EXPECTED receives the data the device sees: the logical blocks in order (the view).
"""
import argparse
import struct
import zlib


def parity(x):
    x ^= x >> 4
    x ^= x >> 2
    x ^= x >> 1
    return x & 1


def hamming256(data):
    col = 0
    lp = [0] * 16
    for i, b in enumerate(data):
        col ^= b
        if parity(b):
            for k in range(8):
                lp[2 * k + ((i >> k) & 1)] ^= 1
    cp = [parity(col & 0x55), parity(col & 0xAA), parity(col & 0x33), parity(col & 0xCC), parity(col & 0x0F),
          parity(col & 0xF0)]
    e0 = sum(lp[k] << k for k in range(8))
    e1 = sum(lp[8 + k] << k for k in range(8))
    e2 = sum(cp[k] << (k + 2) for k in range(6))
    return bytes([~e0 & 0xFF, ~e1 & 0xFF, (~e2 & 0xFC) | 0x03])


def spare_for(page_data, oob):
    if page_data == b'\xff' * len(page_data):
        return b'\xff' * oob
    ecc = b''.join(hamming256(page_data[i:i + 256]) for i in range(0, len(page_data), 256))
    ecc = ecc[:oob - 2]
    return b'\xff' * (oob - len(ecc)) + ecc


def mtk_raw(d, lin_spare, page, oob):
    """The raw NFI page for data d; lin_spare[0] is the marker (0xFF good), [1..] the table signature."""
    nsec = page // 512
    sps = oob // nsec
    if d == b'\xff' * page and lin_spare == b'\xff' * oob:
        return b'\xff' * (page + oob)
    raw = bytearray()
    for k in range(nsec):
        sec = d[k * 512:(k + 1) * 512]
        fdm = bytearray(b'\xff' * 8)
        if k == 0:
            fdm[1:4] = lin_spare[1:4]  # the BMT's "bmt" sits in the first sector's FDM
        ecc = b'' if sec == b'\xff' * 512 else hamming256(sec[:256]) + hamming256(sec[256:])
        spare = bytes(fdm) + ecc
        raw += sec + spare + b'\xff' * (sps - len(spare))
    last = (nsec - 1) * (512 + sps) + 512
    raw[page], raw[last] = raw[last], raw[page]
    raw[page] = lin_spare[0]
    return bytes(raw)


def crc32_le(data):
    # the Linux crc32_le(0, ...) NMBM uses: zlib's CRC without the pre/post inversion
    return (~zlib.crc32(data, 0xFFFFFFFF)) & 0xFFFFFFFF


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('expected')
    ap.add_argument('--page', type=int, default=2048)
    ap.add_argument('--oob', type=int, default=64)
    ap.add_argument('--ppb', type=int, default=64)
    ap.add_argument('--blocks', type=int, required=True)
    ap.add_argument('--bad', type=int, action='append', default=[])
    ap.add_argument('--table', default='none')
    ap.add_argument('--remap', action='append', default=[])
    ap.add_argument('--mtk', action='store_true', help='MediaTek NFI raw layout: 512-byte sectors each '
                    'followed by its spare (8 FDM bytes 0xFF, then Hamming ECC of the sector), the marker byte at '
                    'raw offset PAGE swapped with the last sector\'s first FDM byte')
    ap.add_argument('--erased-oob', action='store_true', help='every spare all 0xFF (no ECC written: nanddump '
                    '--oob of a clean area read with the controller\'s ECC off, or a programmer read)')
    ap.add_argument('place', nargs='*')
    a = ap.parse_intermixed_args()
    blen = a.page * a.ppb
    erased = b'\xff' * blen
    phys = [erased] * a.blocks
    bad = set(a.bad)
    good = [b for b in range(a.blocks) if b not in bad]
    remap = {int(x.split(':')[0]): int(x.split(':')[1]) for x in a.remap}

    if a.table == 'bmt':
        pool_lba = a.blocks - 80
        logical = pool_lba - 2
    elif a.table == 'nmbm':
        mgmt = a.blocks - a.blocks // 8
        logical = len([b for b in good if b < mgmt]) - 4
    else:
        logical = len(good)
    # logical -> physical: bad blocks skipped, then the table's own moves
    lmap = [good[i] for i in range(logical)]
    for l, p in remap.items():
        lmap[l] = p

    content = [erased] * logical
    for spec in a.place:
        lb, path = spec.split(':', 1)
        lb = int(lb)
        data = open(path, 'rb').read()
        data += b'\xff' * (-len(data) % blen)
        for i in range(0, len(data), blen):
            content[lb + i // blen] = data[i:i + blen]
    for l in range(logical):
        phys[lmap[l]] = content[l]
    for b in bad:
        phys[b] = bytes((i * 37) & 0xFF for i in range(blen))

    oob_first = {}
    if a.table == 'bmt':
        tb = max(b for b in good)
        bb_tbl = [0xFFFF] * 0x2000
        for l in range(pool_lba):
            bb_tbl[l] = lmap[l] if l < logical else good[l]
        table = b'BMT\x02' + struct.pack('<8192H', *bb_tbl)
        phys[tb] = table + b'\xff' * (blen - len(table))
        oob_first[tb] = b'\xff' + b'bmt'
    elif a.table == 'nmbm':
        sig_block = max(b for b in good)
        sig = struct.pack('<IIII', 0x304d4d4e, 1, 48, 0) + struct.pack('<QIIIIB3x', a.blocks * blen, blen,
                                                                       a.page, a.oob, mgmt, 3)
        sig = sig + b'\0' * (48 - len(sig))
        sig = sig[:12] + struct.pack('<I', crc32_le(sig)) + sig[16:]
        phys[sig_block] = sig + b'\xff' * (blen - len(sig))
        state = bytearray(((a.blocks + 15) // 16) * 4)
        for b in range(a.blocks):
            st = 0 if b in bad else 3
            state[(b // 16) * 4:(b // 16) * 4 + 4] = struct.pack(
                '<I', struct.unpack('<I', state[(b // 16) * 4:(b // 16) * 4 + 4])[0] | (st << (2 * (b % 16))))
        mapping = [lmap[l] if l < logical else -1 for l in range(mgmt)]
        st_off = 32
        map_off = st_off + len(state)
        body = bytes(state) + struct.pack('<%di' % mgmt, *mapping)
        size = 32 + len(body)
        info = struct.pack('<IIII', 0x314d4d4e, 1, size, 0) + struct.pack('<IIII', 1, st_off, map_off, 0) + body
        info = info[:12] + struct.pack('<I', crc32_le(info)) + info[16:]
        ib = [b for b in good if b >= mgmt][0]
        phys[ib] = info + b'\xff' * (blen - len(info))

    with open(a.out, 'wb') as f:
        for b in range(a.blocks):
            for p in range(a.ppb):
                d = phys[b][p * a.page:(p + 1) * a.page]
                s = bytearray(b'\xff' * a.oob if a.erased_oob else spare_for(d, a.oob))
                if b in bad and p == 0:
                    s[0] = 0
                if p == 0 and b in oob_first:
                    s[:len(oob_first[b])] = oob_first[b]
                if a.mtk:
                    f.write(mtk_raw(d, bytes(s), a.page, a.oob))
                else:
                    f.write(d + bytes(s))
    with open(a.expected, 'wb') as f:
        for l in range(logical):
            f.write(content[l])


main()
