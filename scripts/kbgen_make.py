# SPDX-License-Identifier: MIT
"""A small subset of GNU make, enough to evaluate OpenWrt's device definitions.

OpenWrt builds a device by calling Device/InitProfile, Device/Init, the target's Device/Default and
Device/<name> with $(1) = <name> and evaluating the result (include/image.mk).  This module parses
target/linux/<target>/image/Makefile and its *.mk files, walks them once per subtarget (file-level
assignments, conditionals on SUBTARGET, includes, TARGET_DEVICES), and evaluates each device the same
way: text expanded with $(1) and the variables of that moment ($$ becomes $), then read as makefile
lines (:= expands, = is deferred, += appends; conditionals inside blocks see every CONFIG_* unset).
Functions it cannot evaluate here ($(shell), $(wildcard) over the kernel tree) are left as written.
Used by scripts/gen-openwrt-devices.py.
"""
import os
import re


def _join_continuations(text):
    return re.sub(r'\\\n[ \t]*', ' ', text)


def _split_args(s):
    """Split make function arguments at top-level commas."""
    out, depth, cur = [], 0, []
    for ch in s:
        if ch in '({':
            depth += 1
        elif ch in ')}':
            depth -= 1
        if ch == ',' and depth == 0:
            out.append(''.join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append(''.join(cur))
    return out


def _match_paren(s, i):
    """s[i] is '(' or '{'; index of the matching closer."""
    op = s[i]
    cl = ')' if op == '(' else '}'
    depth = 0
    for j in range(i, len(s)):
        if s[j] == op:
            depth += 1
        elif s[j] == cl:
            depth -= 1
            if depth == 0:
                return j
    return -1


class Var:
    __slots__ = ('value', 'recursive')

    def __init__(self, value, recursive):
        self.value = value
        self.recursive = recursive


class Make:
    def __init__(self, variables=None):
        self.vars = dict(variables or {})
        self.depth = 0
        self.wildcard = None

    def copy(self):
        m = Make()
        m.wildcard = self.wildcard
        m.vars = {k: Var(v.value, v.recursive) for k, v in self.vars.items()}
        return m

    def get(self, name, args):
        if name.isdigit():
            i = int(name)
            return args[i - 1] if 0 < i <= len(args) else ''
        v = self.vars.get(name)
        if v is None:
            return ''
        if not v.recursive:
            return v.value
        if self.depth > 40:
            return ''
        self.depth += 1
        try:
            return self.expand(v.value, args)
        finally:
            self.depth -= 1

    def expand(self, s, args=()):
        out = []
        i = 0
        n = len(s)
        while i < n:
            c = s[i]
            if c != '$':
                j = s.find('$', i)
                if j < 0:
                    j = n
                out.append(s[i:j])
                i = j
                continue
            if i + 1 >= n:
                out.append('$')
                break
            d = s[i + 1]
            if d == '$':
                out.append('$')
                i += 2
            elif d in '({':
                j = _match_paren(s, i + 1)
                if j < 0:
                    out.append(s[i:])
                    break
                out.append(self._ref(s[i + 2:j], s[i:j + 1], args))
                i = j + 1
            else:
                out.append(self.get(d, args))
                i += 2
        return ''.join(out)

    def _ref(self, inner, whole, args):
        m = re.match(r'([a-z-]+)[ \t]+', inner)
        if m and m.group(1) in FUNCS:
            fn = m.group(1)
            rest = inner[m.end():]
            return FUNCS[fn](self, rest, args, whole)
        if ':' in inner and '=' in inner and not inner.startswith('Device/'):
            # substitution reference $(VAR:a=b)
            name, _, pat = inner.partition(':')
            a, _, b = pat.partition('=')
            val = self.get(self.expand(name, args), args)
            return ' '.join(w[:-len(a)] + b if a and w.endswith(a) else w for w in val.split())
        return self.get(self.expand(inner, args), args)

    # ---- statements ----
    def assign(self, name, op, value, args=()):
        if op == ':=' or op == '::=':
            self.vars[name] = Var(self.expand(value, args), False)
        elif op == '=':
            self.vars[name] = Var(value, True)
        elif op == '?=':
            if name not in self.vars:
                self.vars[name] = Var(value, True)
        elif op == '+=':
            old = self.vars.get(name)
            if old is None:
                self.vars[name] = Var(value, True)
            elif old.recursive:
                old.value = (old.value + ' ' + value) if old.value else value
            else:
                v = self.expand(value, args)
                old.value = (old.value + ' ' + v) if old.value else v


def _f_subst(m, rest, args, whole):
    a = _split_args(rest)
    if len(a) < 3:
        return ''
    frm, to, text = (m.expand(x, args) for x in (a[0], a[1], ','.join(a[2:])))
    return text.replace(frm, to) if frm else text


def _pat(p, w):
    if '%' not in p:
        return w == p, ''
    pre, _, suf = p.partition('%')
    if w.startswith(pre) and w.endswith(suf) and len(w) >= len(pre) + len(suf):
        return True, w[len(pre):len(w) - len(suf)]
    return False, ''


def _f_patsubst(m, rest, args, whole):
    a = _split_args(rest)
    if len(a) < 3:
        return ''
    p, r, text = (m.expand(x, args).strip() for x in (a[0], a[1], ','.join(a[2:])))
    out = []
    for w in text.split():
        ok, stem = _pat(p, w)
        out.append(r.replace('%', stem, 1) if ok else w)
    return ' '.join(out)


def _f_if(m, rest, args, whole):
    a = _split_args(rest)
    cond = m.expand(a[0], args).strip()
    if cond:
        return m.expand(a[1], args) if len(a) > 1 else ''
    return m.expand(','.join(a[2:]), args) if len(a) > 2 else ''


def _f_call(m, rest, args, whole):
    a = _split_args(rest)
    name = m.expand(a[0], args).strip()
    new = tuple(m.expand(x, args) for x in a[1:])
    v = m.vars.get(name)
    if v is None:
        return ''
    if m.depth > 40:
        return ''
    m.depth += 1
    try:
        return m.expand(v.value, new) if v.recursive else v.value
    finally:
        m.depth -= 1


def _f_strip(m, rest, args, whole):
    return ' '.join(m.expand(rest, args).split())


def _f_words(fn):
    def f(m, rest, args, whole):
        w = m.expand(rest, args).split()
        if fn == 'firstword':
            return w[0] if w else ''
        if fn == 'lastword':
            return w[-1] if w else ''
        return str(len(w))
    return f


def _f_filter(neg):
    def f(m, rest, args, whole):
        a = _split_args(rest)
        pats = m.expand(a[0], args).split()
        text = m.expand(','.join(a[1:]), args).split()
        keep = [w for w in text if any(_pat(p, w)[0] for p in pats) != neg]
        return ' '.join(keep)
    return f


def _f_findstring(m, rest, args, whole):
    a = _split_args(rest)
    f = m.expand(a[0], args)
    return f if f in m.expand(','.join(a[1:]), args) else ''


def _f_notdir(m, rest, args, whole):
    return ' '.join(os.path.basename(w) for w in m.expand(rest, args).split())


def _f_basename(m, rest, args, whole):
    return ' '.join(os.path.splitext(w)[0] for w in m.expand(rest, args).split())


def _f_foreach(m, rest, args, whole):
    a = _split_args(rest)
    if len(a) < 3:
        return ''
    var = m.expand(a[0], args).strip()
    out = []
    saved = m.vars.get(var)
    for w in m.expand(a[1], args).split():
        m.vars[var] = Var(w, False)
        out.append(m.expand(','.join(a[2:]), args))
    if saved is None:
        m.vars.pop(var, None)
    else:
        m.vars[var] = saved
    return ' '.join(out)


def _f_word(m, rest, args, whole):
    a = _split_args(rest)
    try:
        i = int(m.expand(a[0], args))
    except ValueError:
        return ''
    w = m.expand(','.join(a[1:]), args).split()
    return w[i - 1] if 0 < i <= len(w) else ''


def _f_literal(m, rest, args, whole):
    """Functions over the build tree or the shell: kept as written."""
    return whole


def _f_empty(m, rest, args, whole):
    return ''


FUNCS = {
    'subst': _f_subst, 'patsubst': _f_patsubst, 'if': _f_if, 'call': _f_call, 'strip': _f_strip,
    'firstword': _f_words('firstword'), 'lastword': _f_words('lastword'), 'words': _f_words('words'),
    'filter': _f_filter(False), 'filter-out': _f_filter(True), 'findstring': _f_findstring,
    'notdir': _f_notdir, 'basename': _f_basename, 'foreach': _f_foreach, 'word': _f_word,
    'shell': _f_literal, 'wildcard': None, 'info': _f_empty, 'warning': _f_empty, 'error': _f_empty,
    'eval': _f_empty, 'addprefix': None, 'addsuffix': None, 'sort': None, 'qstrip': None,
}


def _f_addfix(prefix):
    def f(m, rest, args, whole):
        a = _split_args(rest)
        x = m.expand(a[0], args)
        return ' '.join((x + w) if prefix else (w + x) for w in m.expand(','.join(a[1:]), args).split())
    return f


def _f_wildcard(m, rest, args, whole):
    """$(wildcard) over the build tree: the caller may answer it (m.wildcard(pattern) -> list or None)."""
    fn = getattr(m, 'wildcard', None)
    if fn is not None:
        got = fn(m.expand(rest, args).strip())
        if got is not None:
            return ' '.join(got)
    return whole


FUNCS['wildcard'] = _f_wildcard
FUNCS['addprefix'] = _f_addfix(True)
FUNCS['addsuffix'] = _f_addfix(False)
FUNCS['sort'] = lambda m, rest, args, whole: ' '.join(sorted(set(m.expand(rest, args).split())))
FUNCS['qstrip'] = lambda m, rest, args, whole: m.expand(rest, args).strip().strip('"')

ASSIGN_RE = re.compile(r'^\s*(?:override\s+|export\s+)?([A-Za-z0-9_./%$(){}-]+?)\s*(::=|:=|\+=|\?=|=)\s?(.*)$')
COND_RE = re.compile(r'^\s*(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$')


def _cond_true(m, kind, arg, args):
    arg = arg.strip()
    if kind in ('ifdef', 'ifndef'):
        name = m.expand(arg, args).strip()
        defined = bool(m.get(name, args)) if name else False
        return defined if kind == 'ifdef' else not defined
    if arg.startswith('('):
        j = _match_paren(arg, 0)
        parts = _split_args(arg[1:j])
        a = parts[0]
        b = ','.join(parts[1:])
    else:
        q = re.findall(r'"([^"]*)"|\'([^\']*)\'', arg)
        if len(q) < 2:
            return False
        a = q[0][0] or q[0][1]
        b = q[1][0] or q[1][1]
    eq = m.expand(a, args).strip() == m.expand(b, args).strip()
    return eq if kind == 'ifeq' else not eq


def eval_lines(m, text, args=(), on_include=None, on_define=None, on_line=None):
    """Read TEXT as makefile lines in M.  on_include(path_expr) and on_define(name, body) are called for
    file-level includes and define blocks; on_line(stmt) for other statements (TARGET_DEVICES)."""
    lines = _join_continuations(text).split('\n')
    stack = []  # each: [active_now, any_taken, parent_active]
    i = 0
    active = True
    while i < len(lines):
        raw = lines[i]
        i += 1
        line = raw.split('#', 1)[0] if not raw.lstrip().startswith('define') else raw
        s = line.strip()
        if not s:
            continue
        mm = COND_RE.match(line)
        if mm:
            taken = active and _cond_true(m, mm.group(1), mm.group(2), args)
            stack.append([taken, taken, active])
            active = taken
            continue
        if s.startswith('else'):
            if stack:
                top = stack[-1]
                rest = s[4:].strip()
                mm = COND_RE.match(rest) if rest else None
                if top[1] or not top[2]:
                    top[0] = False
                elif mm:
                    top[0] = _cond_true(m, mm.group(1), mm.group(2), args)
                    top[1] = top[0]
                else:
                    top[0] = True
                    top[1] = True
                active = top[0]
            continue
        if s == 'endif':
            if stack:
                active = stack.pop()[2]
            continue
        if s.startswith('define '):
            name = s[7:].strip()
            name = re.sub(r'\s*(=|:=)$', '', name)
            body = []
            depth = 1
            while i < len(lines):
                ln = lines[i]
                i += 1
                st = ln.strip()
                if st.startswith('define '):
                    depth += 1
                elif st == 'endef' or st.startswith('endef '):
                    depth -= 1
                    if depth == 0:
                        break
                body.append(ln)
            if active:
                name = m.expand(name, args)
                m.vars[name] = Var('\n'.join(body), True)
                if on_define:
                    on_define(name, '\n'.join(body))
            continue
        if not active:
            continue
        if re.match(r'^\s*-?include\s', line):
            if on_include:
                on_include(m.expand(s.split(None, 1)[1], args).strip())
            continue
        am = ASSIGN_RE.match(line)
        if am:
            name = m.expand(am.group(1), args).strip()
            m.assign(name, am.group(2), am.group(3).rstrip(), args)
            if on_line:
                on_line(name, am.group(2), am.group(3))
            continue
        if s.startswith('$(') and s.endswith(')'):
            # a bare reference at file level ($(eval ...) and the like): expand for its side effects
            if on_line:
                on_line(None, None, s)
            continue
