#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Device-tree reading for the knowledge generators (scripts/gen-openwrt-devices.py, gen-socs.py).

Formerly the whole index generator; its one() and main() still derive the DT-only index of
ramips, mediatek and ath79 (kept for comparison; data/openwrt-devices.tsv now comes from
scripts/gen-openwrt-devices.py).

usage: scripts/gen-openwrt-index.py [DTS_ROOT [OUT.tsv [TOH.tsv]]]
  DTS_ROOT defaults to ../shared/openwrt-dts/target/linux (ramips, mediatek, ath79 dts folders)
  TOH.tsv  defaults to ../shared/data/openwrt-toh-2022-05.tsv (RAM when no memory node says it)

One row per board .dts: target, subtarget, SoC, compatible, model, flash type and size (end of
the last top-level fixed partition, rounded up to a power of two), RAM (memory node, else the
2022 Table of Hardware by model name), radios (built-in WMAC and PCIe wifi nodes with their
bands), LTE hints (LEDs/GPIOs named 4g/lte/signal/modem), USB, Ethernet port labels and the
partition layout.  The parser is small and forgiving: it reads the board file and the board
family .dtsi files it includes, not the SoC .dtsi.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

RAMIPS_SUB = {
    'mt7621': 'mt7621', 'mt7628an': 'mt76x8', 'mt7688': 'mt76x8', 'mt7620a': 'mt7620', 'mt7620n': 'mt7620',
    'mt7610': 'mt7620', 'rt3050': 'rt305x', 'rt3052': 'rt305x', 'rt3352': 'rt305x', 'rt5350': 'rt305x',
    'rt3662': 'rt3883', 'rt3883': 'rt3883', 'rt2880': 'rt288x',
}
SOC_NAME = {
    'mt7628an': 'MT7628', 'mt7688': 'MT7688', 'mt7621': 'MT7621', 'mt7620a': 'MT7620A', 'mt7620n': 'MT7620N',
    'mt7622': 'MT7622', 'mt7623a': 'MT7623', 'mt7623n': 'MT7623', 'mt7629': 'MT7629', 'mt7981a': 'MT7981',
    'mt7981b': 'MT7981', 'mt7986a': 'MT7986', 'mt7986b': 'MT7986', 'mt7988a': 'MT7988', 'mt7988d': 'MT7988',
    'qca9531': 'QCA9531', 'qca9533': 'QCA9533', 'qca953x': 'QCA9533', 'qca9556': 'QCA9557', 'qca9557': 'QCA9557',
    'qca9558': 'QCA9557', 'qca955x': 'QCA9557', 'qca9561': 'QCA9563', 'qca9563': 'QCA9563', 'qca956x': 'QCA9563',
    'qcn5502': 'QCN5502', 'ar9331': 'AR9331', 'ar9330': 'AR9331', 'ar9341': 'AR9341', 'ar9342': 'AR9341',
    'ar9344': 'AR9341', 'ar934x': 'AR9341',
}
BUILTIN_WMAC = {'MT7628': '2.4', 'MT7688': '2.4', 'MT7620A': '2.4', 'MT7620N': '2.4', 'MT7622': '2.4',
                'MT7981': '2.4/5', 'MT7986': '2.4/5', 'QCA9531': '2.4', 'QCA9533': '2.4', 'QCA9557': '2.4',
                'QCA9563': '2.4', 'AR9331': '2.4', 'AR9341': '2.4', 'QCN5502': '2.4'}
LTE_RE = re.compile(r'(^|[^a-z])(4g|lte|wwan|modem|3g|mobile|sim)([^a-z]|$)', re.I)


def tokenize(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    toks = []
    tok_re = re.compile(r'"(?:\\.|[^"\\])*"|<[^>]*>|\[[^\]]*\]|[{};=,]|&\{[^}]*\}|[^\s{};="<\[]+')
    for m in tok_re.finditer(text):
        toks.append(m.group(0))
    return toks


class Node:
    def __init__(self, name):
        self.name = name
        self.props = {}
        self.children = {}
        self.order = []

    def child(self, name):
        if name not in self.children:
            self.children[name] = Node(name)
            self.order.append(name)
        return self.children[name]


def parse_into(toks, root, labels):
    pos = 0

    def parse_body(node):
        nonlocal pos
        while pos < len(toks):
            t = toks[pos]
            if t == '}':
                pos += 1
                if pos < len(toks) and toks[pos] == ';':
                    pos += 1
                return
            if t in ('/delete-node/', '/delete-property/'):
                name = toks[pos + 1] if pos + 1 < len(toks) else ''
                if t == '/delete-node/' and name in node.children:
                    del node.children[name]
                    node.order.remove(name)
                elif t == '/delete-property/':
                    node.props.pop(name, None)
                pos += 2
                if pos < len(toks) and toks[pos] == ';':
                    pos += 1
                continue
            # label(s)
            lbls = []
            while t.endswith(':') and pos + 1 < len(toks):
                lbls.append(t[:-1])
                pos += 1
                t = toks[pos]
            nxt = toks[pos + 1] if pos + 1 < len(toks) else ';'
            if nxt == '{':
                pos += 2
                c = node.child(t)
                for lb in lbls:
                    labels[lb] = c
                parse_body(c)
            elif nxt == '=':
                pos += 2
                vals = []
                while pos < len(toks) and toks[pos] != ';':
                    if toks[pos] != ',':
                        vals.append(toks[pos])
                    pos += 1
                pos += 1
                node.props[t] = vals
            else:
                node.props[t] = []
                pos += 1
                if pos < len(toks) and toks[pos] == ';':
                    pos += 1

    while pos < len(toks):
        t = toks[pos]
        if t == '/dts-v1/' or t == ';' or t.startswith('/plugin'):
            pos += 1
            continue
        if t in ('/delete-node/',):
            pos += 3
            continue
        if t == '/' and pos + 1 < len(toks) and toks[pos + 1] == '{':
            pos += 2
            parse_body(root)
            continue
        if t.startswith('&') and pos + 1 < len(toks) and toks[pos + 1] == '{':
            lb = t[1:].strip('{}')
            if lb not in labels:
                labels[lb] = root.child('&' + lb)
            pos += 2
            parse_body(labels[lb])
            continue
        pos += 1


def load(path, root, labels, depth=0, full=False, files=None, search=()):
    """Read PATH and the .dtsi files it includes into ROOT.  Without FULL the SoC .dtsi (a name
    with no '_' or '-' board part) is skipped: board facts only.  FILES collects the paths read;
    SEARCH are more folders to look in for an include."""
    if depth > 12:
        return
    d = os.path.dirname(path)
    if files is not None:
        files.append(path)
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    body = []
    for line in text.splitlines():
        m = re.match(r'\s*(?:#\s*include|/include/)\s+[<"]([^>"]+)[>"]', line)
        if m:
            inc = os.path.join(d, m.group(1))
            for sd in search:
                if os.path.exists(inc):
                    break
                inc = os.path.join(sd, m.group(1))
            base = os.path.basename(inc)
            if not inc.endswith(('.dtsi', '.dts')):
                continue
            if os.path.exists(inc) and (full or (re.search(r'[_-]', base.split('.')[0]) and
                                                 not base.startswith(('mt7981.', 'mt7986')))):
                if ''.join(body).strip():
                    parse_into(tokenize('\n'.join(body)), root, labels)
                    body = []
                load(inc, root, labels, depth + 1, full, files, search)
            continue
        if re.match(r'\s*#', line):
            continue
        body.append(line)
    parse_into(tokenize('\n'.join(body)), root, labels)


def strs(vals):
    return [v[1:-1] for v in vals if v.startswith('"')]


def cells(vals):
    out = []
    for v in vals:
        if v.startswith('<'):
            for c in v[1:-1].split():
                try:
                    out.append(int(c, 0))
                except ValueError:
                    out.append(None)
    return out


def walk(node, path=()):
    yield node, path
    for n in node.order:
        if n in node.children:
            yield from walk(node.children[n], path + (node,))


def status_ok(node):
    s = strs(node.props.get('status', []))
    return not s or s[0] in ('okay', 'ok')


def partitions_of(root):
    """Top-level fixed partitions of the first flash with any, and its type."""
    best = None
    for node, path in walk(root):
        comp = strs(node.props.get('compatible', []))
        if 'fixed-partitions' not in comp:
            continue
        # nested tables (inside a partition) are not the flash layout
        if any(p.name.startswith('partition') for p in path[-1:]):
            continue
        parts = []
        for cn in node.order:
            c = node.children.get(cn)
            if c is None or not cn.startswith('partition'):
                continue
            reg = cells(c.props.get('reg', []))
            if len(reg) < 2 or reg[0] is None or reg[1] is None:
                continue
            off, size = (reg[0], reg[1]) if len(reg) == 2 else (reg[-2], reg[-1])
            label = strs(c.props.get('label', [])) or [cn.split('@')[0]]
            pc = strs(c.props.get('compatible', []))
            parts.append((label[0], off, size, pc[0] if pc else ''))
        if not parts:
            continue
        parent = path[-1] if path else None
        pcomp = ' '.join(strs(parent.props.get('compatible', []))) if parent else ''
        ftype = 'nor'
        if 'nand' in pcomp or 'nand' in (parent.name if parent else '') or any(p[0] == 'ubi' for p in parts):
            ftype = 'nand'
        elif 'mmc' in (parent.name if parent else '') or 'emmc' in pcomp:
            ftype = 'emmc'
        cand = (ftype, parts)
        if best is None or (best[0] != 'nor' and ftype == 'nor' and False):
            best = cand
    return best


def pow2(n):
    p = 1
    while p < n:
        p <<= 1
    return p


def norm(s):
    return re.sub(r'[^a-z0-9]', '', s.lower())


def load_toh(path):
    ram = {}
    if not os.path.exists(path):
        return ram
    with open(path, encoding='utf-8', errors='replace') as f:
        head = f.readline().rstrip('\n').split('\t')
        ix = {h: i for i, h in enumerate(head)}
        for line in f:
            c = line.rstrip('\n').split('\t')
            if len(c) < len(head):
                continue
            ver = c[ix['version']] if c[ix['version']] not in ('NULL', '') else ''
            key = norm(c[ix['brand']] + c[ix['model']] + ver)
            try:
                ram.setdefault(key, int(c[ix['rammb']]))
            except ValueError:
                pass
    return ram


def one(path, target, toh):
    base = os.path.basename(path)[:-4]
    prefix = re.split(r'[_-]', base)[0]
    soc = SOC_NAME.get(prefix, prefix.upper())
    if target == 'ramips':
        sub = RAMIPS_SUB.get(prefix, '')
    elif target == 'mediatek':
        sub = {'mt7622': 'mt7622', 'mt7623a': 'mt7623', 'mt7623n': 'mt7623', 'mt7629': 'mt7629'}.get(prefix, 'filogic')
    else:
        sub = 'generic'
    root = Node('/')
    labels = {}
    load(path, root, labels)
    comp = strs(root.props.get('compatible', []))
    model = strs(root.props.get('model', []))
    if not comp or not model:
        return None
    fl = partitions_of(root)
    ftype, parts = fl if fl else ('', [])
    end = max((o + s for _, o, s, _ in parts), default=0)
    flash = pow2(end) if end else 0
    if target == 'ath79' and ftype == 'nand':
        sub = 'nand'
    elif target == 'ath79' and flash and flash <= 4 << 20:
        sub = 'tiny'
    ram = 0
    ram_src = ''
    for node, _ in walk(root):
        if node.name.startswith('memory'):
            reg = [c for c in cells(node.props.get('reg', [])) if c is not None]
            if len(reg) >= 2:
                ram = reg[-1] if len(reg) in (2, 4) else reg[1]
                ram_src = 'dts'
    if not ram:
        m = model[0]
        m2 = re.sub(r'\(.*?\)', '', m)
        for key in (norm(m), norm(m2)):
            if key in toh:
                ram = toh[key] << 20
                ram_src = 'toh2022'
                break
    radios = []
    wmac = labels.get('wmac')
    if soc in BUILTIN_WMAC and (wmac is None or status_ok(wmac)):
        radios.append('wmac:' + BUILTIN_WMAC[soc])
    lte = False
    usb = False
    ports = set()
    for node, path_ in walk(root):
        nm = node.name
        if nm.startswith('wifi@') or nm.startswith('mt76@') or nm.startswith('ath10k@') or nm.startswith('ath9k@'):
            lim = cells(node.props.get('ieee80211-freq-limit', []))
            band = '?'
            if len(lim) >= 2 and lim[0]:
                band = '2.4' if lim[0] < 3000000 else '5'
            cp = strs(node.props.get('compatible', []))
            m = re.match(r'pci([0-9a-f]{4}),([0-9a-f]{4})', cp[0]) if cp else None
            chip = (m.group(1) + ':' + m.group(2)) if m else ''
            radios.append('pcie:' + band + ((':' + chip) if chip else ''))
        lab = ' '.join(strs(node.props.get('label', [])) + strs(node.props.get('function', [])))
        parent = path_[-1].name if path_ else ''
        if parent in ('leds',) or 'gpio' in nm or 'regulator' in nm:
            if LTE_RE.search(nm) or LTE_RE.search(lab):
                lte = True
        if nm.startswith('port@') and re.match(r'(lan|wan)', lab):
            ports.add(lab)
        if nm.startswith('&gmac') and re.match(r'(lan|wan)', lab):
            ports.add(lab)
    for lb in ('xhci', 'ehci', 'ohci', 'usb', 'usb_phy', 'ssusb'):
        n = labels.get(lb)
        if n is not None and status_ok(n) and (n.props or n.children):
            usb = True
    if re.search(r'\b(LTE|4G|5G)\b', model[0]):
        lte = True
    plist = ';'.join('%s@0x%x+0x%x%s' % (n, o, s, ('[' + c + ']') if c else '') for n, o, s, c in parts)
    return [target, sub, soc, base, comp[0], model[0], ftype or '-', str(flash), str(ram), ram_src or '-',
            ','.join(radios) or '-', 'y' if lte else 'n', 'y' if usb else 'n', ','.join(sorted(ports)) or '-',
            plist or '-']


def main():
    dts_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '..', 'shared', 'openwrt-dts', 'target', 'linux')
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, 'data', 'openwrt-devices.tsv')
    toh = load_toh(sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, '..', 'shared', 'data', 'openwrt-toh-2022-05.tsv'))
    rows = []
    for target in ('ramips', 'mediatek', 'ath79'):
        d = os.path.join(dts_root, target, 'dts')
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not fn.endswith('.dts'):
                continue
            r = one(os.path.join(d, fn), target, toh)
            if r:
                rows.append(r)
    hdr = ['target', 'subtarget', 'soc', 'dts', 'compatible', 'model', 'flash_type', 'flash_bytes', 'ram_bytes',
           'ram_source', 'radios', 'lte', 'usb', 'ports', 'partitions']
    tmp = out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# derived by scripts/gen-openwrt-index.py from OpenWrt device trees; do not edit by hand\n')
        f.write('\t'.join(hdr) + '\n')
        for r in rows:
            f.write('\t'.join(x.replace('\t', ' ') for x in r) + '\n')
    os.replace(tmp, out)
    print('%s: %d devices' % (out, len(rows)))


if __name__ == '__main__':
    main()
