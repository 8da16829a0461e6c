#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that scripts/setup.sh installs every package the build, tests and benchmarks use.

Collects what is used:
  - every tool declared with `need TOOL...` in the shell scripts of tests/, bench/,
    sample/, fuzz/, scripts/, doc/;
  - every other command those scripts run: a word in command position (line start, after
    | ; && || $( ` then do else, outside comments, single-quoted programs and here-documents)
    that is an executable on this machine and is not a function of the script;
  - find_program(), dependency() and find_library() of the meson files;
  - the python modules the tests import (the python3 that Debian's python3 package ships).
Finds the Debian package shipping each (dpkg -S, following links) and checks that it is
listed by `setup.sh --list-packages`, pulled in by those (Depends, Pre-Depends, Provides)
or part of every Debian (Essential or Priority required: what debootstrap --variant=minbase
installs).  Prints each miss as `MISS KIND NAME (FILE): PACKAGES` and exits 1 if any.
"""
import os
import re
import shutil
import subprocess
import sys

VERBOSE = "-v" in sys.argv[1:]
BUILTINS = set(subprocess.run(["bash", "-c", "compgen -b; compgen -k"], capture_output=True,
                              text=True).stdout.split())


def sh(*args):
    return subprocess.run(args, capture_output=True, text=True).stdout


def git_files(*patterns):
    """The project's files matching the shell-style patterns (build trees left out)."""
    import fnmatch
    out = set()
    for root, dirs, files in os.walk("."):
        dirs[:] = [d for d in dirs if not d.startswith(("build", ".")) and d != "node_modules"]
        for f in files:
            p = os.path.relpath(os.path.join(root, f))
            if any(fnmatch.fnmatch(p, pat) for pat in patterns):
                out.add(p)
    return sorted(out)


SETUP = os.environ.get("SETUP_SH", "scripts/setup.sh")  # another list, for the test of this check

# ---- what setup.sh installs and what that brings
listed = set(sh("bash", SETUP, "--list-packages").split())
db = {}
provides = {}
for line in sh("dpkg-query", "-W", "-f=${Package}\t${Essential}\t${Priority}\t${Depends}, ${Pre-Depends}"
               "\t${Provides}\t${db:Status-Abbrev}\n").splitlines():
    f = line.split("\t")
    if len(f) < 6 or not f[5].startswith("ii"):
        continue
    name = f[0].split(":")[0]
    deps = [re.sub(r"[ :(].*", "", d.strip()) for d in re.split(r",|\|", f[3]) if d.strip()]
    db[name] = (f[1] == "yes" or f[2] == "required", deps)
    for p in f[4].split(","):
        p = re.sub(r"[ (].*", "", p.strip())
        if p:
            provides.setdefault(p, []).append(name)
covered, todo = set(), list(listed) + [p for p, (base, _) in db.items() if base]
while todo:
    p = todo.pop()
    if p in covered:
        continue
    covered.add(p)
    for d in db.get(p, (False, []))[1]:
        todo += [d] if d in db else provides.get(d, [])

# ---- what is used
def shell_code(text):
    """text with the contents of single-quoted strings, comments and here-documents blanked
    (newlines kept): what is left is where shell commands are."""
    out, i, n, q, heredocs = [], 0, len(text), None, []
    line_start = True
    while i < n:
        c = text[i]
        if q == "'":
            if c == "'":
                q = None
                out.append(c)
            else:
                out.append("\n" if c == "\n" else " ")
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if q == '"':
            if c == '"':
                q = None
            out.append(c)
            i += 1
            continue
        if c == "'":
            q = "'"
        elif c == '"':
            q = '"'
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;|&("):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c == "<" and text.startswith("<<", i) and not text.startswith("<<<", i):
            m = re.match(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", text[i:])
            if m:
                heredocs.append(m.group(1))
        elif c == "\n" and heredocs:
            out.append(c)
            for tag in heredocs:  # skip each body up to its closing line
                m = re.compile(r"^\s*%s\s*$" % re.escape(tag), re.M).search(text, i + 1)
                end = n if not m else m.end()
                out.append("\n" * text.count("\n", i + 1, end))
                i = end
            heredocs = []
            continue
        out.append(c)
        i += 1
    return "".join(out)


uses = []  # (kind, name, where)
CMD_POS = re.compile(r"(?:^|[|;&`]|\$\(|\bthen\b|\bdo\b|\belse\b|^\s*\()\s*([A-Za-z][A-Za-z0-9_.+-]*)(?=(\s|$|\)|;|\|))")
for f in git_files("tests/*.sh", "tests/**/*.sh", "bench/*.sh", "sample/*.sh", "fuzz/*.sh",
                   "scripts/*.sh", "doc/*.sh"):
    if f in ("scripts/setup.sh", SETUP):
        continue
    text = open(f, errors="replace").read()
    funcs = set(re.findall(r"^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)", text, re.M))
    for code in shell_code(text).splitlines():
        m = re.match(r"^\s*need\s+(.*)", code)
        if m:
            for t in m.group(1).split():
                if re.fullmatch(r"[A-Za-z0-9_./+-]+", t):
                    uses.append(("cmd", t, f))
            continue
        for w in CMD_POS.findall(code):
            w = w[0]
            if w not in funcs and w not in BUILTINS:
                uses.append(("word", w, f))
for f in git_files("*meson.build"):
    text = open(f).read()
    for kind, rx in (("cmd", r"find_program\('([^']+)'"), ("pc", r"dependency\('([^']+)'"),
                     ("lib", r"find_library\('([^']+)'")):
        for n in re.findall(rx, text):
            uses.append((kind, n, f))
for f in git_files("tests/*.py", "tests/**/*.py", "tests/*.sh", "tests/**/*.sh"):
    for n in re.findall(r"^\s*(?:import|from)\s+([a-z_][a-z0-9_]*)", open(f, errors="replace").read(), re.M):
        uses.append(("py", n, f))

# ---- where each use comes from
def chain(path):
    """The path and every link on the way to the file it names."""
    out = []
    for _ in range(10):
        out.append(path)
        if path.startswith("/usr/"):
            out.append(path[4:])  # merged /usr: dpkg may know /bin/x
        if not os.path.islink(path):
            break
        t = os.readlink(path)
        path = t if t.startswith("/") else os.path.normpath(os.path.join(os.path.dirname(path), t))
    return out


def locate(kind, name):
    if kind in ("cmd", "word"):
        if name in BUILTINS:
            return None
        for d in ("/usr/bin", "/usr/sbin", "/bin", "/sbin"):
            p = os.path.join(d, name)
            if os.access(p, os.X_OK) and not os.path.isdir(p):
                return p
        return ""
    if kind == "pc":
        if name == "threads":
            return None  # the compiler's, not a package
        return sh("pkg-config", "--path", name).strip()
    if kind == "lib":
        for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/" + sh("gcc", "-print-multiarch").strip(), "/usr/lib"):
            p = os.path.join(d, "lib%s.so" % name)
            if os.path.exists(p):
                return p
        return ""
    if kind == "py":
        r = subprocess.run(["/usr/bin/python3", "-c", "import %s, sys; print(getattr(%s, '__file__', '') or '')"
                            % (name, name)], capture_output=True, text=True)
        if r.returncode != 0:
            return ""
        return r.stdout.strip() or None  # built into python3
    return ""


seen, paths = {}, {}
for kind, name, where in uses:
    key = (kind, name)
    if key in seen:
        continue
    if kind == "py" and name in sys.builtin_module_names:
        seen[key] = None
        continue
    seen[key] = where
    paths[key] = locate(kind, name)

all_paths = sorted({p for k, v in paths.items() if v for p in chain(v)})
owners = {}
if all_paths:
    out = subprocess.run(["dpkg-query", "-S"] + all_paths, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("diversion") or ": " not in line:
            continue
        pk, p = line.split(": ", 1)
        owners.setdefault(p.strip(), set()).update(x.strip().split(":")[0] for x in pk.split(","))

misses = checked = 0
used_pkgs = set()
for key, where in seen.items():
    if where is None:
        continue
    kind, name = key
    p = paths[key]
    if p is None:
        continue
    if p == "":
        if kind != "word":  # a word that is no program here is a variable, a function...
            print("MISS  %s %s (%s): not found on this machine" % (kind, name, where))
            misses += 1
        continue
    pk = set()
    for x in chain(p):
        pk |= owners.get(x, set())
    if not pk:
        if kind == "word":
            continue  # not from a package (a local script): not setup's business
        print("MISS  %s %s (%s): %s belongs to no package" % (kind, name, where, p))
        misses += 1
        continue
    checked += 1
    used_pkgs |= pk
    good = pk & covered
    if good:
        if VERBOSE:
            print("ok    %s %s -> %s" % (kind, name, ", ".join(sorted(good))))
    else:
        print("MISS  %s %s (%s): %s" % (kind, name, where, " or ".join(sorted(pk))))
        misses += 1

if VERBOSE:
    # data and libraries (u-boot-qemu, usb.ids, *-dev, the QEMU ROMs) are used without a
    # command: this list is for a person to read, not a failure
    print("listed, no command or library of theirs seen: " + " ".join(sorted(listed - used_pkgs)))
if misses:
    print("check-setup-deps: %d use(s) of packages scripts/setup.sh does not install" % misses)
    sys.exit(1)
print("check-setup-deps: %d tools, libraries and modules checked, all from the %d packages setup.sh "
      "lists, what they pull in, or the base system" % (checked, len(listed)))
