#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Device-tree reading for the knowledge generators (scripts/gen-openwrt-devices.py, gen-socs.py).

A small, forgiving .dts/.dtsi reader: nodes, properties, labels and &label overrides, includes
(board files only, or the whole chain with full=True), /delete-node/.
"""
import os
import re


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


