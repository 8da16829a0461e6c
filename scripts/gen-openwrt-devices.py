#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive data/openwrt-devices.tsv: every device OpenWrt builds, on every target.

usage: scripts/gen-openwrt-devices.py [--shared DIR] [--kernel DIR] [--out FILE] [--check]
  --shared  the reference folder (default ../shared): openwrt-images/ (target/linux/*/image/Makefile
            and *.mk, include/image.mk), openwrt-dts/ (device trees of ramips, ath79, mediatek),
            data/openwrt-toh-2022-05.tsv (the 2022 Table of Hardware)
  --kernel  an unpacked Linux tree for the ARM device trees of the other targets (default: the
            tarball of the Debian package linux-source-6.1 in /usr/src, unpacked to a cache)
  --check   compare the evaluated fields with openwrt-images/devices.tsv and print the differences

One row per device named in TARGET_DEVICES (the name is the image name; SUPPORTED_DEVICES are the
board names its sysupgrade accepts).  The device-definition blocks are evaluated as OpenWrt's make
does (scripts/kbgen_make.py), once per subtarget.  The device tree (OpenWrt's own for ramips, ath79
and mediatek; the kernel's for the rest, when it has it) gives the compatible, model string, flash
partitions and type, RAM from a memory node and the radios; the Table of Hardware gives RAM, flash and
wifi chips where the DT does not say and the model matches.
"""
import argparse
import fnmatch
import importlib.util
import os
import re
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import kbgen_kernel  # noqa: E402
import kbgen_make  # noqa: E402


def _load_dts_module():
    spec = importlib.util.spec_from_file_location('kbgen_dts', os.path.join(HERE, 'kbgen_dts.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


dtsmod = _load_dts_module()
D = dtsmod

FIELDS = ['DEVICE_VENDOR', 'DEVICE_MODEL', 'DEVICE_VARIANT', 'SOC', 'DEVICE_DTS', 'IMAGE_SIZE', 'DEVICE_PACKAGES',
          'SUPPORTED_DEVICES', 'BOARD_NAME', 'KERNEL_SIZE', 'UBINIZE_OPTS', 'BLOCKSIZE', 'PAGESIZE', 'NAND_SIZE',
          'IMAGES', 'DEVICE_DTS_DIR', 'SUNXI_DTS']


def read(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def subtargets_of(imgdir, mk):
    names = sorted(f[:-3] for f in os.listdir(imgdir) if f.endswith('.mk'))
    included = set()
    for f in names:
        for m in re.finditer(r'^\s*-?include\s+(?:\./)?([\w.-]+)\.mk\s*$', read(os.path.join(imgdir, f + '.mk')), re.M):
            included.add(m.group(1))
    conds = re.findall(r'^\s*ifeq\s*\(\$\(SUBTARGET\),\s*([\w-]+)\)', mk, re.M)
    for m in re.finditer(r'^\s*include\s+(?:\./)?([\w.-]+)\.mk\s*$', mk, re.M):
        included.add(m.group(1))
    subs = []
    if re.search(r'^\s*-?include\s+\$\(SUBTARGET\)\.mk', mk, re.M):
        subs = [n for n in names if n not in included]
    for c in conds:
        if c not in subs:
            subs.append(c)
    return subs or ['generic']


class TargetEval:
    def __init__(self, shared, target, dtsidx=None):
        self.dtsidx = dtsidx
        self.target = target
        self.imgdir = os.path.join(shared, 'openwrt-images', 'target', 'linux', target, 'image')
        self.image_mk = os.path.join(shared, 'openwrt-images', 'include', 'image.mk')

    def run(self, sub):
        m = kbgen_make.Make()
        if self.dtsidx is not None:
            m.wildcard = self.dtsidx.wildcard
        for k, v in (('comma', ','), ('space', ' '), ('empty', ''), ('SUBTARGET', sub), ('BOARD', self.target),
                     ('TARGET_DEVICES', ''), ('IMG_PREFIX', 'openwrt-%s-%s' % (self.target, sub))):
            m.vars[k] = kbgen_make.Var(v, False)
        kbgen_make.eval_lines(m, read(self.image_mk), on_include=lambda p: None)
        m.vars['TARGET_DEVICES'] = kbgen_make.Var('', False)
        where = {}  # device block name -> file
        snaps = {}  # file -> Make after the file's own lines
        stack = []

        def do_file(fn):
            path = os.path.join(self.imgdir, fn)
            if not os.path.exists(path) or fn in stack:
                return
            stack.append(fn)

            def on_define(name, body):
                if name.startswith('Device/'):
                    where.setdefault(name[7:], fn)

            def on_include(p):
                p = p.replace('./', '')
                if os.path.exists(os.path.join(self.imgdir, p)):
                    do_file(p)

            kbgen_make.eval_lines(m, read(path), on_include=on_include, on_define=on_define)
            snaps[fn] = m.copy()
            stack.pop()

        do_file('Makefile')
        built = m.expand('$(TARGET_DEVICES)').split()
        out = []
        seen = set()
        for name in built:
            if name in seen or name not in where:
                continue
            seen.add(name)
            fn = where[name]
            dm = snaps[fn].copy()
            # the target's last word on shared variables (Device/Default) is the one make sees
            for k in ('Device/Default', 'Device/InitProfile', 'Device/Init'):
                if k in m.vars:
                    dm.vars[k] = m.vars[k]
            args = (name,)
            for blk in ('Device/InitProfile', 'Device/Init', 'Device/Default', 'Device/' + name):
                v = dm.vars.get(blk)
                if v is None:
                    continue
                text = dm.expand(v.value, args)
                kbgen_make.eval_lines(dm, text, args)
            rec = {'target': self.target, 'subtarget': sub, 'device': name, 'file': fn}
            for f in FIELDS:
                rec[f] = ' '.join(dm.get(f, args).split())
            if not rec['DEVICE_DTS'] and rec['SUNXI_DTS']:  # sunxi states its device tree there
                rec['DEVICE_DTS'] = rec['SUNXI_DTS']
            alts = []
            for k in range(6):
                parts = [' '.join(dm.get('DEVICE_ALT%d_%s' % (k, x), args).split()) for x in ('VENDOR', 'MODEL', 'VARIANT')]
                if parts[0] or parts[1]:
                    alts.append(parts)
            rec['alts'] = alts
            out.append(rec)
        return out


class DtsIndex:
    """Device trees: OpenWrt's own (ramips, ath79, mediatek) and the kernel's (every other target)."""

    def __init__(self, shared, ktree):
        self.ow = {t: os.path.join(shared, 'openwrt-dts', 'target', 'linux', t, 'dts') for t in ('ramips', 'ath79', 'mediatek')}
        self.kfiles = {}
        self.search = []
        for sub in ('arch/arm/boot/dts', 'arch/arm64/boot/dts', 'arch/mips/boot/dts'):
            top = os.path.join(ktree, sub) if ktree else ''
            if not top or not os.path.isdir(top):
                continue
            for dirpath, _, fns in sorted(os.walk(top)):
                self.search.append(dirpath)
                for fn in sorted(fns):
                    if fn.endswith('.dts'):
                        self.kfiles.setdefault(fn[:-4], os.path.join(dirpath, fn))

    def find(self, target, dts):
        for name in dts.split():
            base = os.path.basename(name)
            if target in self.ow:
                p = os.path.join(self.ow[target], base + '.dts')
                if os.path.exists(p):
                    return p, 'openwrt'
            if base in self.kfiles:
                return self.kfiles[base], 'linux-6.1'
        return None, ''

    def wildcard(self, pattern):
        """$(wildcard $(DTS_DIR)/*-name.dtb) of bcm53xx and imx, answered from the kernel's .dts files."""
        base = os.path.basename(pattern)
        stem, ext = os.path.splitext(base)
        if ext not in ('.dtb', '.dts') or not self.kfiles:
            return None
        return [k + ext for k in sorted(self.kfiles) if fnmatch.fnmatchcase(k, stem)]


def all_devices(shared, dtsidx=None):
    base = os.path.join(shared, 'openwrt-images', 'target', 'linux')
    devs = []
    for target in sorted(os.listdir(base)):
        imgdir = os.path.join(base, target, 'image')
        if not os.path.exists(os.path.join(imgdir, 'Makefile')):
            continue
        te = TargetEval(shared, target, dtsidx)
        for sub in subtargets_of(imgdir, read(os.path.join(imgdir, 'Makefile'))):
            devs.extend(te.run(sub))
    return devs


LTE_RE = re.compile(r'(^|[^a-z])(4g|lte|wwan|modem|3g|5g|mobile|sim)([^a-z]|$)', re.I)
D = None  # the kbgen_dts module, set in main


def enabled(node):
    st = D.strs(node.props.get('status', []))
    return not st or st[0] in ('okay', 'ok')


def flash_tables(root):
    """Every top-level fixed-partitions table: (type, size, parts) with parts (label, off, size, compat)."""
    out = []
    for node, path in D.walk(root):
        if 'fixed-partitions' not in D.strs(node.props.get('compatible', [])):
            continue
        if any(p.name.startswith('partition') for p in path[-1:]) or not enabled(node):
            continue
        chain = [p for p in path] + [node]
        if not all(enabled(p) for p in chain):
            continue
        parts = []
        for cn in node.order:
            c = node.children.get(cn)
            if c is None or not (cn.startswith('partition') or '@' in cn):
                continue
            reg = [x for x in D.cells(c.props.get('reg', []))]
            if len(reg) < 2 or None in reg:
                continue
            off, size = (reg[0], reg[1]) if len(reg) == 2 else (reg[-3] if len(reg) == 3 else reg[1], reg[-1])
            label = D.strs(c.props.get('label', [])) or [cn.split('@')[0]]
            pc = D.strs(c.props.get('compatible', []))
            parts.append((label[0], off, size, pc[0] if pc else ''))
        if not parts:
            continue
        names = ' '.join(p.name for p in path[-3:]) + ' ' + node.name
        comps = ' '.join(' '.join(D.strs(p.props.get('compatible', []))) for p in path[-3:])
        text = (names + ' ' + comps).lower()
        if 'nand' in text or any(p[0] == 'ubi' for p in parts):
            ftype = 'nand'
        elif 'mmc' in text or 'sdhci' in text:
            ftype = 'emmc'
        else:
            ftype = 'nor'
        end = max(o + sz for _, o, sz, _ in parts)
        if end < 64 << 10:  # placeholders (reg = <0 0>) or a table of a small EEPROM: not a flash layout
            continue
        out.append((ftype, D.pow2(end), parts))
    return out


def dt_facts(path, search):
    root = D.Node('/')
    labels = {}
    D.load(path, root, labels, full=True, search=search)
    f = {}
    comp = D.strs(root.props.get('compatible', []))
    model = D.strs(root.props.get('model', []))
    f['compatible'] = comp
    f['model'] = model[0] if model else ''
    tables = flash_tables(root)
    f['tables'] = tables
    ram = 0
    for node, _ in D.walk(root):
        if node.name.split('@')[0] == 'memory' and enabled(node):
            reg = [c for c in D.cells(node.props.get('reg', [])) if c is not None]
            if len(reg) == 2:
                ram = reg[1]
            elif len(reg) == 4:
                ram = (reg[2] << 32) | reg[3] if reg[2] < 16 else reg[3]
    f['ram'] = ram
    cpus = []
    for node, pth in D.walk(root):
        if pth and pth[-1].name == 'cpus' and node.name.startswith('cpu@'):
            cc = D.strs(node.props.get('compatible', []))
            if cc:
                cpus.append(cc[0])
    f['cpu'] = ('%s*%d' % (cpus[0], len(cpus))) if cpus else ''
    radios = []
    radios_off = []
    usb = False
    lte = False
    ports = set()
    for node, pth in D.walk(root):
        nm = node.name
        cc = ' '.join(D.strs(node.props.get('compatible', []))).lower()
        chain_ok = enabled(node) and all(enabled(p) for p in pth)
        if not chain_ok:
            if re.search(r'wmac|-wifi\b|ipq\d+-wifi', cc) and ('wifi' in nm or 'wmac' in nm):
                radios_off.append('wmac')
            continue
        lim = D.cells(node.props.get('ieee80211-freq-limit', []))
        band = '?'
        if len(lim) >= 2 and lim[0]:
            band = '2.4' if lim[0] < 3000000 else '5'
        if re.search(r'wmac|-wifi\b|ipq\d+-wifi|ahb', cc) and ('wifi' in nm or 'wmac' in nm):
            if band == '?' and re.search(r'mt798[16]-wmac', cc):
                band = '2.4/5'
            elif band == '?' and re.search(r'(mt76[02]8|mt7622|rt\d+|ar9\d+|qca95\d+|ar7\d+|qca953\d)-wmac', cc):
                band = '2.4'
            radios.append('wmac:' + band)
        elif (nm.startswith(('wifi@', 'mt76@', 'ath9k@', 'ath10k@', 'radio@')) and
              (cc.startswith('pci') or 'mediatek,mt76' in cc or 'qcom,ath10k' in cc or 'qca,ath9k' in cc or not cc)):
            m = re.match(r'pci([0-9a-f]{4}),([0-9a-f]{4})', cc)
            radios.append('pcie:' + band + ((':' + m.group(1) + ':' + m.group(2)) if m else ''))
        if re.search(r'\b(generic-)?(ehci|ohci|xhci)\b|snps,dwc3|usb-xhci|mtk-xhci|-xhci|-ehci|-ohci', cc) and \
                enabled(node) and D.strs(node.props.get('status', [])):
            usb = True
        lab = ' '.join(D.strs(node.props.get('label', [])) + D.strs(node.props.get('function', [])))
        parent = pth[-1].name if pth else ''
        if parent == 'leds' or 'gpio' in nm or 'regulator' in nm:
            if LTE_RE.search(nm) or LTE_RE.search(lab):
                lte = True
        if nm.startswith('port@') and re.match(r'(lan|wan)', lab):
            ports.add(lab)
    f['radios'] = radios
    f['radios_off'] = radios_off
    f['usb'] = usb
    f['lte'] = lte or bool(re.search(r'\b(LTE|4G|5G)\b', f['model']))
    f['ports'] = sorted(ports)
    return f


def norm(s):
    return re.sub(r'[^a-z0-9]', '', s.lower())


class Toh:
    """The 2022 Table of Hardware, by image name (from its download links) and by brand+model+version."""

    def __init__(self, path):
        self.by_image = {}
        self.by_name = {}
        if not os.path.exists(path):
            return
        with open(path, encoding='utf-8', errors='replace') as f:
            head = f.readline().rstrip('\n').split('\t')
            for line in f:
                c = line.rstrip('\n').split('\t')
                if len(c) < len(head):
                    continue
                r = {h: ('' if v == 'NULL' else v.strip()) for h, v in zip(head, c)}
                urls = ' '.join(v for h, v in r.items() if h.startswith('firmwareopenwrt'))
                for m in re.finditer(r'/targets/([\w-]+)/([\w-]+)/openwrt-(?:[\d.]+-)?(?:[\w]+-[\w]+-)?'
                                     r'([\w.,+-]+?)-(?:squashfs|initramfs|ubifs|ext4|factory|sysupgrade)', urls):
                    t, sub, rest = m.group(1), m.group(2), m.group(3)
                    pre = '%s-%s-' % (t, sub)
                    name = rest[len(pre):] if rest.startswith(pre) else rest
                    self.by_image.setdefault((t, name), r)
                self.by_name.setdefault(norm(r['brand'] + r['model'] + r['version']), r)

    def find(self, target, dev, titles):
        r = self.by_image.get((target, dev))
        if r:
            return r, 'image'
        for t in titles:
            r = self.by_name.get(norm(t))
            if r:
                return r, 'name'
        return None, ''


def mib(v):
    """Table of Hardware sizes: "16", "128NAND", "8192 eMMC" (MiB); "?", "microSD" give 0."""
    m = re.match(r'\s*(\d+(?:\.\d+)?)', v)
    if not m:
        return 0
    x = float(m.group(1))
    return int(x * 1024 * 1024) if 0 < x < 1 << 20 else 0


def toh_flash_type(v):
    v = v.lower()
    return 'nand' if 'nand' in v else 'emmc' if 'emmc' in v else 'nor' if re.fullmatch(r'\s*\d+\s*', v) else ''


WIFI_KMOD_RE = re.compile(r'^kmod-(mt76\w*|mt79\w+|mt7\d+\w*|ath9k\w*|ath10k\w*|ath11k\w*|ath12k\w*|ath5k|rt2800\w*|'
                          r'rt61\w*|rtl8\w+|rtw88\w*|rtw89\w*|brcmfmac|brcmsmac|b43|b43legacy|mwlwifi|mwifiex\w*|'
                          r'carl9170|owl-loader|iwlwifi|ipq\w*-wifi\w*)$')


def wifi_kmods(pkgs):
    return [p for p in pkgs.split() if WIFI_KMOD_RE.match(p)]


def image_size(v):
    m = re.fullmatch(r'(\d+)([kKmMgG]?)', v.strip())
    if not m:
        return 0
    return int(m.group(1)) * {'': 1, 'k': 1024, 'm': 1 << 20, 'g': 1 << 30}[m.group(2).lower()]


# device-tree vendor prefixes of SoC makers (Documentation/devicetree/bindings/vendor-prefixes.yaml)
SOC_VENDOR_PREFIXES = {'marvell', 'brcm', 'mediatek', 'qcom', 'qca', 'ralink', 'allwinner', 'rockchip', 'fsl', 'nxp', 'ti',
                       'nvidia', 'st', 'xlnx', 'lantiq', 'realtek', 'amlogic', 'cavium', 'atmel', 'microchip', 'img',
                       'starfive', 'sifive', 'cortina', 'intel', 'airoha', 'econet', 'siflower', 'apm', 'amcc'}


def soc_name(soc_var, comp, dts):
    """The SoC as OpenWrt's SOC variable names it (upper case, vendor prefix dropped); else the chip that
    starts the device tree's name (OpenWrt names them <soc>-<vendor>-<model>: mt7981b-cudy-wr3000-v1,
    bcm47094-netgear-r8500); else the DT's SoC compatible (the last root compatible: brcm,nsp -> NSP)."""
    s = soc_var.strip()
    if not s and dts:
        first = re.split(r'[-_]', os.path.basename(dts.split()[0]))[0]
        if re.fullmatch(r'[a-z]{2,5}\d[0-9a-z]{2,8}', first) and len(re.findall(r'\d', first)) >= 3:
            s = first
    if not s and len(comp) >= 2:
        # the most specific compatible of an SoC maker (after the board's own)
        socc = [c for c in comp[1:] if c.split(',')[0] in SOC_VENDOR_PREFIXES] or comp[-1:]
        s = socc[0].split(',', 1)[-1]
        s = re.sub(r'-soc$', '', s)
        m = re.fullmatch(r'[a-z]+-([0-9a-z]*\d{3,}[0-9a-z]*)', s)  # kirkwood-88f6281 -> 88f6281
        if m and len(m.group(1)) >= 5:
            s = m.group(1)
    s = re.sub(r'^(qcom|brcm|marvell|mediatek|ralink|realtek|lantiq)-', '', s)
    return re.sub(r'^([A-Z]+)-(\d)', r'\1\2', s.upper())  # armada-385 and armada385 are one SoC


TOH_CHIP_RE = re.compile(r'\b((?:BCM|RTL|AR|QCA|MT|RT|IPQ|88F|MV|CN|IXP|KS|EN|SF)\d{3,6}[A-Z0-9]*)')


COLUMNS = ['target', 'subtarget', 'soc', 'dts', 'compatible', 'model', 'flash_type', 'flash_bytes', 'ram_bytes',
           'ram_source', 'radios', 'lte', 'usb', 'ports', 'partitions', 'device', 'vendor', 'name', 'variant',
           'alt_titles', 'boards', 'image_size', 'packages', 'wifi_kmods', 'flashes', 'flash_source', 'soc_compatible', 'cpu',
           'toh_cpu', 'toh_wifi', 'toh_match', 'dt_source', 'soc_source', 'radios_disabled']


def build_rows(devs, dtsidx, toh):
    rows = []
    for d in devs:
        dts = d['DEVICE_DTS']
        if '$(' in dts:
            dts = ''
        path, src = dtsidx.find(d['target'], dts) if dts else (None, '')
        f = dt_facts(path, dtsidx.search) if path else {}
        title = ' '.join(x for x in (d['DEVICE_VENDOR'], d['DEVICE_MODEL'], d['DEVICE_VARIANT']) if x)
        alts = [' '.join(x for x in a if x) for a in d['alts']]
        boards = d['SUPPORTED_DEVICES'].split()
        comp = f.get('compatible', [])
        compatible = comp[0] if comp else (boards[0] if boards else '')
        model = f.get('model') or title or d['device']
        tables = f.get('tables', [])
        prim = None
        for t in tables:
            if any(p[0] in ('firmware', 'ubi', 'rootfs', 'kernel', 'firmware1', 'rootfs1') for p in t[2]):
                prim = t
                break
        if prim is None and tables:
            prim = max(tables, key=lambda t: t[1])
        tr, how = toh.find(d['target'], d['device'], [title] + alts + ([f['model']] if f.get('model') else []))
        flash = prim[1] if prim else 0
        ftype = prim[0] if prim else ''
        fsrc = 'dts' if prim else ''
        if not flash and tr and mib(tr['flashmb']):
            flash = mib(tr['flashmb'])
            ftype = toh_flash_type(tr['flashmb'])
            fsrc = 'toh2022'
        ram = f.get('ram', 0)
        rsrc = 'dts' if ram else ''
        if not ram and tr and mib(tr['rammb']):
            ram = mib(tr['rammb'])
            rsrc = 'toh2022'
        parts = ';'.join('%s@0x%x+0x%x%s' % (n, o, sz, ('[' + c + ']') if c else '') for n, o, sz, c in (prim[2] if prim else []))
        soc = soc_name(d['SOC'], comp, dts)
        soc_src = 'makefile' if d['SOC'] else ('dts' if soc else '')
        if not soc and tr:
            m = TOH_CHIP_RE.search(tr['cpu'].upper())
            if m:
                soc, soc_src = m.group(1), 'toh2022'
        row = {
            'target': d['target'], 'subtarget': d['subtarget'], 'soc': soc, 'soc_source': soc_src, 'dts': dts.split()[0] if dts else '',
            'compatible': compatible, 'model': model, 'flash_type': ftype, 'flash_bytes': str(flash), 'ram_bytes': str(ram),
            'ram_source': rsrc, 'radios': ','.join(f.get('radios', [])), 'lte': 'y' if f.get('lte') else 'n',
            'usb': 'y' if f.get('usb') else 'n', 'ports': ','.join(f.get('ports', [])), 'partitions': parts,
            'device': d['device'], 'vendor': d['DEVICE_VENDOR'], 'name': d['DEVICE_MODEL'], 'variant': d['DEVICE_VARIANT'],
            'alt_titles': ';'.join('|'.join(a) for a in d['alts']), 'boards': ' '.join(boards),
            'image_size': str(image_size(d['IMAGE_SIZE'])), 'packages': d['DEVICE_PACKAGES'],
            'wifi_kmods': ' '.join(wifi_kmods(d['DEVICE_PACKAGES'])),
            'flashes': ','.join('%s:%d' % (t[0], t[1]) for t in tables), 'flash_source': fsrc,
            'soc_compatible': ' '.join(c for c in comp[1:] if c.split(',')[0] in SOC_VENDOR_PREFIXES), 'cpu': f.get('cpu', ''),
            'toh_cpu': tr['cpu'] if tr else '', 'toh_wifi': tr['wlanhardware'] if tr else '', 'toh_match': how,
            'dt_source': src, 'radios_disabled': ','.join(f.get('radios_off', [])),
        }
        rows.append(row)
    return rows


def write_tsv(rows, out, cols, comment):
    tmp = out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('# ' + comment + '\n')
        f.write('\t'.join(cols) + '\n')
        for r in rows:
            f.write('\t'.join(re.sub(r'[\t\n\r]+', ' ', r[c]).strip() or '-' for c in cols) + '\n')
    os.replace(tmp, out)


def check(devs, shared):
    ref = {}
    with open(os.path.join(shared, 'openwrt-images', 'devices.tsv'), encoding='utf-8') as f:
        head = f.readline().rstrip('\n').split('\t')
        for line in f:
            c = dict(zip(head, line.rstrip('\n').split('\t')))
            if c.get('built') == 'yes':
                ref.setdefault((c['target'], c['device']), c)
    mine = {}
    for d in devs:
        mine.setdefault((d['target'], d['device']), d)
    cols = [('vendor', 'DEVICE_VENDOR'), ('model', 'DEVICE_MODEL'), ('variant', 'DEVICE_VARIANT'), ('soc', 'SOC'),
            ('dts', 'DEVICE_DTS'), ('image_size', 'IMAGE_SIZE'), ('packages', 'DEVICE_PACKAGES'),
            ('supported_devices', 'SUPPORTED_DEVICES')]
    bad = 0
    for k in sorted(set(ref) | set(mine)):
        if k not in mine:
            print('missing', k)
            bad += 1
            continue
        if k not in ref:
            print('extra', k)
            bad += 1
            continue
        for rc, mc in cols:
            a = ' '.join(ref[k][rc].split())
            b = mine[k][mc]
            if a != b:
                print('diff %s/%s %s: ref %r mine %r' % (k[0], k[1], rc, a, b))
                bad += 1
        ra = ' '.join(ref[k]['alt_models'].split())
        ma = '|'.join(' '.join(x for x in a if x) for a in mine[k]['alts'])
        if ra != ma:
            print('diff %s/%s alts: ref %r mine %r' % (k[0], k[1], ra, ma))
            bad += 1
    print('%d reference devices, %d evaluated, %d differences' % (len(ref), len(mine), bad))


def default_shared():
    # ../shared beside the checkout (a worktree under wt/ has it two levels up)
    for up in ('..', os.path.join('..', '..')):
        p = os.path.normpath(os.path.join(ROOT, up, 'shared'))
        if os.path.isdir(p):
            return p
    return os.path.normpath(os.path.join(ROOT, '..', 'shared'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', default=default_shared())
    ap.add_argument('--kernel', default='')
    ap.add_argument('--out', default=os.path.join(ROOT, 'data', 'openwrt-devices.tsv'))
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    global D
    D = dtsmod
    ktree = kbgen_kernel.kernel_tree(a.kernel)
    dtsidx = DtsIndex(a.shared, ktree)
    devs = all_devices(a.shared, dtsidx)
    if a.check:
        check(devs, a.shared)
        return
    toh = Toh(os.path.join(a.shared, 'data', 'openwrt-toh-2022-05.tsv'))
    rows = build_rows(devs, dtsidx, toh)
    write_tsv(rows, a.out, COLUMNS, 'derived by scripts/gen-openwrt-devices.py from OpenWrt\'s image makefiles (all targets), '
              'device trees (OpenWrt\'s, else Linux 6.1\'s) and the 2022 Table of Hardware; do not edit by hand')
    print('%s: %d devices, %d targets, %d with a device tree, %d joined to the Table of Hardware' % (
        a.out, len(rows), len(set(r['target'] for r in rows)), sum(1 for r in rows if r['dt_source']),
        sum(1 for r in rows if r['toh_match'])))


if __name__ == '__main__':
    main()
