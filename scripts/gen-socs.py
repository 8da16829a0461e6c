#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive data/socs.tsv (SoCs, their OpenWrt target/subtarget, CPU core, names a log prints) and the
built-in radio rows of data/wifi-chips.tsv from data/openwrt-devices.tsv and the 2022 Table of Hardware.

usage: scripts/gen-socs.py [--shared DIR] [--devices data/openwrt-devices.tsv] [--out data/socs.tsv]

Every SoC that an OpenWrt device names (its SOC variable, else its device tree's SoC compatible) is a
row: target/subtarget where most of its devices are built, the CPU core and count of the SoC .dtsi
(`cpu@N { compatible = "mips,mips24KEc" }`), the vendor the Table of Hardware writes, and a built-in
radio when most of its device trees enable an SoC radio node.  Aliases come from rules, not from
logs: the name itself; MediaTek/Ralink markings without the package letters (MT7628AN -> MT7628) and the
"ASIC 7628_MP" chip name the Ralink SDK U-Boot prints; the SoC compatibles of the device trees
("brcm,bcm47081" -> BCM47081); the chip names the Table of Hardware gives for those devices
("Marvell Armada 385 88F6820" -> 88F6820, "Armada 385"); a subtarget named after one SoC family
(lantiq xrx200 -> VR9).  An alias claimed by several SoCs goes to the one with the most devices.
SoCs the Table of Hardware names only for devices that OpenWrt no longer builds are added (status
"target" when the Table's target is still built, else "none"), and so are the SoCs of mainline Linux 6.1
device trees (a .dtsi named after the chip, with CPU nodes) that no OpenWrt device names (status "none").
"""
import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHIP_RE = re.compile(r'\b((?:MT|RT|AR|QCA|QCN|IPQ|BCM|RTL|88F|MV|88W|EN|AN|VRX|ARX|GRX|PSB|SF|RK|TP|KS|CN|'
                     r'IXP|APM|AM|A|H|SUN|IMX|LS|P|T|STM32MP|JZ|X|ATH|ADM|IDT|RC|BCM)\d{2,6}[A-Z0-9]*(?:-[A-Z0-9]+)?)\b')


# OpenWrt targets the 2022 Table of Hardware still calls by their old names
RENAMED = {'ar71xx': 'ath79', 'brcm47xx': 'bcm47xx', 'brcm63xx': 'bmips', 'brcm2708': 'bcm27xx', 'ipq807x': 'qualcommax'}


def read_tsv(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = [l.rstrip('\n') for l in f if not l.startswith('#')]
    head = lines[0].split('\t')
    return [dict(zip(head, l.split('\t'))) for l in lines[1:]]


def val(x):
    return '' if x in ('-', 'NULL', '?') else x


def family(name):
    m = re.fullmatch(r'((?:MT|RT)\d{4})[A-Z]{1,3}', name)
    return m.group(1) if m else name


def toh_chip(d):
    toks = CHIP_RE.findall(val(d.get('toh_cpu', '')).upper())
    return toks[0].split('-')[0] if toks else ''


def kernel_printed_names(kt):
    """The SoC names Linux prints at boot ("SoC: Amazon_SE rev 1.2", "SoC: Qualcomm Atheros QCA550X ver 1
    rev 0"), each with the family the kernel files it under, read from the SoC detection code:
    arch/mips/lantiq/xway/prom.c (i->name = SOC_X; i->type = SOC_TYPE_Y) and arch/mips/ath79/setup.c
    (case REV_ID_MAJOR_Y: ... chip = "NNNN", printed "QCA"/"TP"/"AR" + chip)."""
    out = []
    p = os.path.join(kt, 'arch/mips/lantiq/xway/prom.c')
    if os.path.exists(p):
        src = open(p, encoding='utf-8', errors='replace').read()
        names = dict(re.findall(r'#define\s+(SOC_\w+)\s+"([^"]+)"', src))
        for name, typ in re.findall(r'i->name\s*=\s*(SOC_\w+);\s*i->type\s*=\s*SOC_TYPE_(\w+);', src):
            if name in names:
                fam = re.sub(r'_\d+$', '', typ).replace('_', '')
                out.append((names[name], fam, 'linux-6.1:arch/mips/lantiq/xway/prom.c'))
    p = os.path.join(kt, 'arch/mips/ath79/setup.c')
    if os.path.exists(p):
        src = open(p, encoding='utf-8', errors='replace').read()
        for label, soc, chip in re.findall(r'case REV_ID_MAJOR_(\w+):\s*ath79_soc = ATH79_SOC_(\w+);[^}]*?chip = "(\w+)";',
                                           src):
            prefix = 'QCA' if soc.startswith('QCA') else 'TP' if soc.startswith('TP') else 'AR'
            out.append((prefix + chip, re.sub(r'_V\d+$', '', label), 'linux-6.1:arch/mips/ath79/setup.c'))
    return out


def owner_of(claims, alias):
    cnt = claims.get(alias)
    return cnt.most_common(1)[0][0] if cnt else ''


def core_name(dtc):
    """"mips,mips24KEc" -> "MIPS 24KEc", "arm,cortex-a53" -> "ARM Cortex-A53", "brcm,bmips4350" -> "BMIPS4350"."""
    vendor, _, name = dtc.partition(',')
    if vendor == 'mips' and name.startswith('mips'):
        return 'MIPS ' + name[4:]
    if vendor == 'arm' and name.startswith('cortex-'):
        return 'ARM Cortex-' + name[7:].upper()
    if name.startswith('bmips'):
        return name.upper()
    return name


def rule_aliases(name, target):
    out = [name]
    m = re.fullmatch(r'(MT|RT)(\d{4})([A-Z]{1,3})', name)
    if m:
        out.append(m.group(1) + m.group(2))
    m = re.fullmatch(r'(MT|RT)(\d{4})[A-Z]{0,3}', name)
    if m and target == 'ramips':
        # the Ralink SDK U-Boot prints "ASIC 7628_MP (Port5<->None)", "ASIC 3052_MP2"
        out += ['%s_MP' % m.group(2), '%s_MP2' % m.group(2)]
    m = re.fullmatch(r'([A-Z]+)-?(\d+[A-Z]*)', name)
    if m and '-' in name:  # ARMADA-385 -> ARMADA385, "Armada 385"
        out += [m.group(1) + m.group(2), m.group(1).capitalize() + ' ' + m.group(2)]
    m = re.fullmatch(r'([A-Z]+)-([A-Z]+)', name)
    if m:  # ARMADA-XP -> "Armada XP"
        out.append(m.group(1).capitalize() + ' ' + m.group(2))
    m = re.fullmatch(r'([A-Z]+)(\d+[A-Z]*)', name)
    if m and m.group(1) in ('ARMADA',):
        out.append(m.group(1).capitalize() + ' ' + m.group(2))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', default='')
    ap.add_argument('--devices', default=os.path.join(ROOT, 'data', 'openwrt-devices.tsv'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'data', 'socs.tsv'))
    ap.add_argument('--wifi', default=os.path.join(ROOT, 'data', 'wifi-chips.tsv'))
    ap.add_argument('--extra', default=os.path.join(ROOT, 'data', 'socs-extra.tsv'))
    ap.add_argument('--kernel', default='', help="an unpacked Linux tree (default linux-source-6.1), 'none' to skip")
    a = ap.parse_args()
    shared = a.shared
    if not shared:
        for up in ('..', os.path.join('..', '..')):
            p = os.path.normpath(os.path.join(ROOT, up, 'shared'))
            if os.path.isdir(p):
                shared = p
                break
    devs = read_tsv(a.devices)
    # one row per family: MediaTek/Ralink package letters name the package, not another SoC
    # (MT7628AN/MT7628NN, MT7981A/B, MT7620A/N); the SOC values stay aliases
    openwrt_families = set(family(val(d['soc'])) for d in devs if val(d['soc']))
    # a MediaTek/Ralink chip the Table of Hardware names for >= 2 devices whose family no OpenWrt SOC names
    # (MT7688AN boards are SOC mt7628an): its own row, a sibling on the same target
    sib = collections.Counter()
    for d in devs:
        t = toh_chip(d)
        if t and val(d['soc']) and family(t) != t and family(t) not in openwrt_families and \
                t[:2] == val(d['soc'])[:2]:
            sib[family(t)] += 1
    by = collections.OrderedDict()
    variants = collections.defaultdict(set)
    for d in devs:
        s = val(d['soc'])
        if not s:
            continue
        key = family(s)
        t = toh_chip(d)
        if t and sib.get(family(t), 0) >= 2:
            key = family(t)
        by.setdefault(key, []).append(d)
        variants[key].add(s)
    # SoCs of the Table of Hardware (its cpu column) for devices OpenWrt builds: chip names per SoC
    rows = []
    claims = collections.defaultdict(collections.Counter)  # alias(upper) -> Counter(soc -> weight)
    spelled = {}
    for soc, ds in by.items():
        tgt = collections.Counter((d['target'], d['subtarget']) for d in ds).most_common(1)[0][0]
        cores = collections.Counter(val(d['cpu']) for d in ds if val(d['cpu'])).most_common(1)
        core, ncores = '', 0
        if cores:
            c, _, n = cores[0][0].partition('*')
            core, ncores = core_name(c), int(n or 1)
        toh_vendor = collections.Counter(val(d['toh_cpu']).split()[0] for d in ds if val(d['toh_cpu'])).most_common(1)
        comp_vendor = collections.Counter(val(d['soc_compatible']).split(',')[0] for d in ds
                                          if val(d['soc_compatible'])).most_common(1)
        vendor = toh_vendor[0][0] if toh_vendor else (comp_vendor[0][0] if comp_vendor else '')
        with_dt = [d for d in ds if val(d['dt_source'])]
        wmac = [d for d in with_dt if 'wmac' in d['radios']]
        builtin = ''
        band = ''
        off = [d for d in with_dt if 'wmac' in d['radios_disabled'] and 'wmac' not in d['radios']]
        open_driver = 'yes'
        if with_dt and len(wmac) * 2 > len(with_dt):
            builtin = soc + '-WMAC'
            bands = collections.Counter(r.split(':')[1] for d in wmac for r in d['radios'].split(',') if r.startswith('wmac'))
            band = bands.most_common(1)[0][0]
        elif with_dt and len(off) * 2 > len(with_dt):
            # the SoC .dtsi has the radio, most boards leave it disabled: hardware without an OpenWrt driver
            builtin = soc + '-WMAC'
            band = '?'
            open_driver = 'no'
        else:
            # the packages say it: board calibration for the SoC radio (ipq-wifi-<board>) or the SoC radio's
            # firmware (kmod-mt7981-firmware)
            fw = re.compile(r'^(ipq-wifi-[\w.-]+|kmod-%s-firmware)$' % re.escape(soc.lower()))
            withpk = [d for d in ds if any(fw.match(p) for p in d['packages'].split())]
            if len(withpk) * 2 > len(ds):
                builtin = soc + '-WMAC'
                band = '?'
        claims[soc.upper()][soc] += 10 ** 6
        spelled.setdefault(soc.upper(), soc)
        for v in variants[soc]:
            claims[v.upper()][soc] += 10 ** 5
            spelled.setdefault(v.upper(), v)
        # the family with 'X' for the last digit(s), as kernels print it ("SoC: Qualcomm Atheros QCA956X ver 1
        # rev 0", AR934X, RT305X, IPQ40XX): the SoC of the family with the most devices owns it
        # (one X: the highest-numbered member, the full part of the family: QCA9533 over QCA9531; XX: the
        # member with the most devices)
        m = re.fullmatch(r'((?:QCA|QCN|AR|RT)\d{2,})(\d)', soc)
        if m:
            claims[m.group(1) + 'X'][soc] += 10000 + 100 * int(m.group(2))
            spelled.setdefault(m.group(1) + 'X', m.group(1) + 'X')
        m = re.fullmatch(r'(IPQ\d{2})\d\d', soc)
        if m:
            claims[m.group(1) + 'XX'][soc] += 10000 + len(ds)
            spelled.setdefault(m.group(1) + 'XX', m.group(1) + 'XX')
        for al in rule_aliases(soc, tgt[0]):
            claims[al.upper()][soc] += 1000 + len(ds)
            spelled.setdefault(al.upper(), al)
        for d in ds:
            for sc in val(d['soc_compatible']).split():
                n = re.sub(r'-soc$', '', sc.split(',', 1)[-1]).upper()
                if re.search(r'\d', n):
                    claims[n][soc] += 10
                    spelled.setdefault(n, n)
            toks = CHIP_RE.findall(val(d['toh_cpu']).upper())
            if toks:  # the first chip the Table names is the SoC; later ones are often radios or switches
                tok = toks[0].split('-')[0]
                claims[tok][soc] += 1
                spelled.setdefault(tok, tok)
            mm = re.search(r'\b(Armada \d+[A-Z]*)', val(d['toh_cpu']))
            if mm:
                claims[mm.group(1).upper()][soc] += 1
                spelled.setdefault(mm.group(1).upper(), mm.group(1))
        rows.append({'name': soc, 'vendor': vendor, 'core': core, 'cores': ncores, 'target': tgt[0], 'sub': tgt[1],
                     'status': 'supported', 'builtin': builtin, 'band': band, 'n': len(ds), 'open': open_driver,
                     'has_dt': bool(with_dt)})
    # an SoC whose device trees are not at hand takes the CPU core of the SoCs of its subtarget when they agree
    for r in rows:
        if r['core']:
            continue
        sib = set((x['core'], x['cores']) for x in rows if x['core'] and x['target'] == r['target'] and x['sub'] == r['sub'])
        if len(sib) == 1:
            r['core'], r['cores'] = sib.pop()
            r['core_note'] = 'core as the other SoCs of %s/%s' % (r['target'], r['sub'])
    # an SoC without device trees at hand shares the built-in radio of an SoC of its subtarget whose name
    # differs in one digit (IPQ4019 and IPQ4029 like IPQ4018)
    for r in rows:
        if r['builtin'] or r.get('has_dt'):
            continue
        for x in rows:
            if x['builtin'] and x['target'] == r['target'] and x['sub'] == r['sub'] and len(x['name']) == len(r['name']) \
                    and sum(a != b for a, b in zip(x['name'], r['name'])) == 1 and \
                    all(b.isdigit() for a, b in zip(x['name'], r['name']) if a != b):
                r['builtin'], r['band'], r['open'] = r['name'] + '-WMAC', x['band'], x.get('open', 'yes')
                r['core_note'] = (r.get('core_note', '') + '; ' if r.get('core_note') else '') + \
                    'built-in radio as the %s' % x['name']
                break
    # a subtarget named after one SoC family (xrx200 -> VR9): most of its devices have that SoC
    subs = collections.defaultdict(collections.Counter)
    for d in devs:
        if val(d['soc']):
            subs[(d['target'], d['subtarget'])][d['soc']] += 1
    for (t, sub), cnt in subs.items():
        soc, n = cnt.most_common(1)[0]
        if re.match(r'(cortex|armv|arm|mips|generic)', sub):
            continue
        if re.search(r'\d', sub) and re.search(r'[a-z]', sub) and n * 10 >= sum(cnt.values()) * 6 and sub.upper() != soc:
            claims[sub.upper()][soc] += 5
            spelled.setdefault(sub.upper(), sub)
    # curated: SoCs no OpenWrt file and no Table row names (vendor SDK only), data/socs-extra.tsv
    extra_rows = []
    if os.path.exists(a.extra):
        with open(a.extra, encoding='utf-8') as f:
            for line in f:
                c = line.rstrip('\n').split('\t')
                if line.startswith('#') or len(c) < 11:
                    continue
                if c[0].upper() in claims:
                    continue
                extra_rows.append(c)
                claims[c[0].upper()][c[0]] += 10 ** 6
                spelled.setdefault(c[0].upper(), c[0])
                for al in c[1].split(','):
                    if al and al.upper() not in claims:
                        claims[al.upper()][c[0]] += 1
                        spelled.setdefault(al.upper(), al)
    # SoCs with a mainline Linux device tree (an .dtsi named after the chip, with CPUs) that no OpenWrt device
    # names: status "linux" (an upstream kernel runs on it; OpenWrt builds nothing for it)
    kernel_rows = []
    if a.kernel != 'none':
        sys.path.insert(0, HERE)
        import kbgen_kernel
        import kbgen_dts
        kt = kbgen_kernel.kernel_tree(a.kernel)
        cands = []
        for sub in ('arch/arm/boot/dts', 'arch/arm64/boot/dts', 'arch/mips/boot/dts'):
            top = os.path.join(kt, sub)
            for dirpath, _, fns in sorted(os.walk(top)):
                for fn in sorted(fns):
                    base = re.sub(r'^(qcom|brcm|mediatek|marvell|realtek)-', '', fn[:-5]) if fn.endswith('.dtsi') else ''
                    if re.fullmatch(r'[a-z]{2,5}\d{3,6}[a-z]?', base):
                        cands.append((base.upper(), os.path.join(dirpath, fn), os.path.basename(dirpath)))
        for name, path, folder in cands:
            if name in claims or any(name in r['name'] for r in kernel_rows):
                continue
            root = kbgen_dts.Node('/')
            kbgen_dts.load(path, root, {}, full=True, search=[os.path.dirname(path)])
            cpus = [kbgen_dts.strs(n.props.get('compatible', [])) for n, pth in kbgen_dts.walk(root)
                    if pth and pth[-1].name == 'cpus' and n.name.startswith('cpu@')]
            cpus = [c[0] for c in cpus if c]
            if not cpus:
                continue  # a PMIC or a companion chip, not an SoC
            rc = kbgen_dts.strs(root.props.get('compatible', []))
            vendor = rc[-1].split(',')[0] if rc and ',' in rc[-1] else (folder if folder != 'dts' else '')
            kernel_rows.append({'name': name, 'vendor': vendor, 'core': core_name(cpus[0]),
                                'cores': len(cpus), 'target': '', 'sub': '', 'status': 'none', 'builtin': '', 'band': '',
                                'n': 0, 'kfile': os.path.relpath(path, kt)})
            claims[name][name] += 10 ** 6
            spelled.setdefault(name, name)
        rows.extend(kernel_rows)
    # SoCs only the Table of Hardware knows (devices OpenWrt stopped building or never did)
    known = set(by)
    toh_path = os.path.join(shared, 'data', 'openwrt-toh-2022-05.tsv') if shared else ''
    extra = collections.defaultdict(list)
    if toh_path and os.path.exists(toh_path):
        for r in read_tsv(toh_path):
            cpu = val(r.get('cpu', ''))
            toks = CHIP_RE.findall(cpu.upper())
            if not toks:
                continue
            tok = toks[0].split('-')[0]
            if tok in claims:
                continue
            extra[tok].append(r)
    built_targets = set(d['target'] for d in devs)
    for tok, rs in sorted(extra.items()):
        if len(rs) < 2:
            continue
        tgt = collections.Counter((RENAMED.get(val(r['target']), val(r['target'])), val(r['subtarget'])) for r in rs).most_common(1)[0][0]
        vendor = collections.Counter(val(r['cpu']).split()[0] for r in rs).most_common(1)[0][0]
        rows.append({'name': tok, 'vendor': vendor, 'core': '', 'cores': 0, 'target': tgt[0], 'sub': tgt[1],
                     'status': 'target' if tgt[0] in built_targets else 'none', 'builtin': '', 'band': '', 'n': 0,
                     'toh': len(rs)})
        claims[tok][tok] += 1000
        spelled.setdefault(tok, tok)
        for al in rule_aliases(tok, tgt[0])[1:]:
            claims[al.upper()][tok] += 500
            spelled.setdefault(al.upper(), al)
    # a bare name (MT7981 of the reference board) that is the family of a bigger row (MT7981B) is an alias of it
    merged = {}
    for r in rows:
        for o in rows:
            if o is not r and o['n'] > r['n'] and r['name'] in rule_aliases(o['name'], o['target'])[1:2]:
                merged[r['name']] = o['name']
                o['n'] += r['n']
                break
    rows = [r for r in rows if r['name'] not in merged]
    for src, dst in merged.items():
        for al in list(claims):
            if src in claims[al]:
                claims[al][dst] += claims[al].pop(src)
        claims[src.upper()][dst] += 10 ** 7
    # an SoC .dtsi of OpenWrt's device trees that serves several chips lists them all in its root compatible
    # ("ralink,rt3050-soc", "ralink,rt3052-soc", "ralink,rt3350-soc"): the chips after the one that owns the
    # first are its siblings on the same target, aliases of that SoC (a chip with its own row keeps it)
    dts_root = os.path.join(shared, 'openwrt-dts', 'target', 'linux') if shared else ''
    if dts_root and os.path.isdir(dts_root):
        comp_re = re.compile(r'^\s*compatible\s*=\s*((?:"[a-z0-9]+,[a-z0-9]+-soc"\s*,?\s*){2,});', re.M)
        for dirpath, _, fns in sorted(os.walk(dts_root)):
            for fn in sorted(fns):
                if not fn.endswith('.dtsi'):
                    continue
                src = open(os.path.join(dirpath, fn), encoding='utf-8', errors='replace').read()
                for m in comp_re.finditer(src):
                    chips = [c.split(',', 1)[1][:-4].upper() for c in re.findall(r'"([^"]+)"', m.group(1))]
                    soc = owner_of(claims, chips[0])
                    if not soc:
                        continue
                    for ch in chips[1:]:
                        if ch not in claims:
                            claims[ch][soc] += 1
                            spelled.setdefault(ch, ch)
    # the names the kernel's SoC detection prints, as aliases of the SoC that owns the family it files them
    # under (an alias claimed by several SoCs goes to the one with the most devices, as above)
    if a.kernel != 'none':
        before = set(claims)
        for printed, fam, _src in kernel_printed_names(kt):
            soc = owner_of(claims, fam.upper())
            if soc and printed.upper() not in before:
                claims[printed.upper()][soc] += 1
                spelled.setdefault(printed.upper(), printed)
    owner = {}
    for al, cnt in claims.items():
        owner[al] = cnt.most_common(1)[0][0]
    aliases = collections.defaultdict(list)
    for al, soc in owner.items():
        aliases[soc].append(spelled[al])
    tmp = a.out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# derived by scripts/gen-socs.py from data/openwrt-devices.tsv and the 2022 Table of Hardware; do not edit by hand\n')
        f.write('# name\taliases (comma separated, matched as whole tokens)\tvendor\tcpu_core\tcores\topenwrt_target\t'
                'openwrt_subtarget\tstatus (supported: OpenWrt builds devices naming it; target: in a built target but '
                'no device names it; none: no target OpenWrt builds, see notes)\tbuiltin_wifi (chip in wifi-chips.tsv or -)\tbuiltin_eth\tnotes\n')
        for r in rows:
            al = sorted(set(aliases[r['name']]), key=lambda x: (-len(x), x))
            note = ('%d OpenWrt devices' % r['n']) if r['n'] else ('%d devices in the 2022 Table of Hardware' % r.get('toh', 0))
            if r.get('toh') and r['status'] == 'none':
                note = 'OpenWrt no longer builds its target %s (%d devices in the 2022 Table of Hardware)' % (r['target'], r['toh'])
            if r.get('kfile'):
                note = 'no OpenWrt device or target names it; mainline Linux 6.1 has %s' % r['kfile']
            if r.get('core_note'):
                note += '; ' + r['core_note']
            f.write('\t'.join([r['name'], ','.join(al), r['vendor'] or '-', r['core'] or '-', str(r['cores']),
                               r['target'] or '-', r['sub'] or '-', r['status'], r['builtin'] or '-', '-', note]) + '\n')
        for c in extra_rows:
            al = sorted(set(aliases[c[0]]), key=lambda x: (-len(x), x))
            f.write('\t'.join([c[0], ','.join(al)] + c[2:10] + ['curated (data/socs-extra.tsv): ' + c[10]]) + '\n')
    os.replace(tmp, a.out)
    # built-in radios in wifi-chips.tsv: regenerate the '-' (SoC) rows, keep the PCI/curated rest
    if os.path.exists(a.wifi):
        with open(a.wifi, encoding='utf-8') as f:
            lines = f.read().splitlines()
        keep = [l for l in lines if not (l.startswith('-\t') and l.split('\t')[1].endswith('-WMAC'))]
        out = keep[:1] + ['-\t%s\t%s WMAC\t%s GHz\t-\t%s\tbuilt into %s (derived by gen-socs.py from its device trees and packages%s)' % (
            r['builtin'], r['name'], r['band'], r.get('open', 'yes'), r['name'],
            '; the trees leave it disabled' if r.get('open') == 'no' else '') for r in rows if r['builtin']] + keep[1:]
        tmp = a.wifi + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write('\n'.join(out) + '\n')
        os.replace(tmp, a.wifi)
    print('%s: %d SoCs (%d with OpenWrt devices), %d aliases' % (a.out, len(rows), len(by), len(owner)), file=sys.stderr)


if __name__ == '__main__':
    main()
