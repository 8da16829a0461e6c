#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the man pages and the shell completions from the program itself.

    gen-cli-docs.py MTDSCOPE OUTDIR COMMAND...

COMMAND... are the rows of the command table (src/cli/main.c, read by
doc/meson.build); the program must list exactly these in `mtdscope help`.
Every text comes from what the program prints: `mtdscope help` (the table's
summaries) and `mtdscope CMD --help`, so the pages and completions cannot
say something the program does not.  Writes into OUTDIR:

    mtdscope.1, mtdscope-CMD.1     one page a command (like git), man(7) macros
    mtdscope                       bash completion (share/bash-completion/completions/mtdscope)
    _mtdscope                      zsh completion (share/zsh/vendor-completions/_mtdscope)

Each file is written to a temporary name and renamed into place.
"""
import os
import re
import subprocess
import sys

SECTION_TITLE = "mtdscope Manual"
DEFAULT_EXIT = ("0 on success, 1 when the command failed or a check it made did not pass, "
                "2 on a usage error (a bad option or argument).")


def die(msg):
    print("gen-cli-docs: " + msg, file=sys.stderr)
    sys.exit(1)


def run(exe, *args):
    env = dict(os.environ, LC_ALL="C", ASAN_OPTIONS="detect_leaks=0", COLUMNS="80")
    p = subprocess.run([exe, *args], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        die("'mtdscope %s' exited with %d: %s" % (" ".join(args), p.returncode,
                                                  (p.stderr or p.stdout).strip().splitlines()[:1]))
    return p.stdout


# ---------------------------------------------------------------- parsing --help

class Option:
    def __init__(self, names, arg, optional_arg, desc):
        self.names = names          # ["-C", "--directory"]
        self.arg = arg              # "DIR" or None
        self.optional_arg = optional_arg
        self.desc = desc            # one string, lines joined
        self.attached = False       # --color=WHEN: the value goes after '='
        self.group = None           # the help's line for "--line DEV / --baud N / --exec CMD"

    @property
    def repeatable(self):
        return "repeatable" in self.desc

    def values(self):
        """The values an option takes when its help lists them: 'auto (default), always or never'."""
        d = re.sub(r"\s*\(default[^)]*\)", "", self.desc).strip().rstrip(".")
        word = r"[a-z0-9][a-z0-9-]*"
        if re.fullmatch(r"%s(, %s)*(,? or %s)" % (word, word, word), d) or \
           re.fullmatch(r"%s(, %s){2,}" % (word, word), d):
            return [v for v in re.split(r",\s*|,?\s+or\s+", d) if v]
        return []

    def kind(self):
        """How to complete the value: 'file', 'dir', 'command', 'values' or 'none'."""
        if not self.arg:
            return "none"
        if self.values():
            return "values"
        a = self.arg.upper()
        if a in ("DIR",):
            return "dir"
        if a in ("CMD",):
            return "command"
        if a in ("FILE", "OUT", "L", "IMG", "IMAGE", "DEV") or "." in self.arg:
            return "file"
        return "none"


class Help:
    def __init__(self, text):
        self.usage = []        # synopsis lines, without "usage: "
        self.desc = []         # paragraphs (lists of lines) before options:
        self.options = []
        self.after = []        # paragraphs after the options (without the exit status)
        self.exit_status = None
        self._parse(text)

    def _parse(self, text):
        lines = text.rstrip("\n").split("\n")
        i = 0
        while i < len(lines) and lines[i].strip():
            self.usage.append(re.sub(r"^\s*(usage:|or:)\s*", "", lines[i]))
            i += 1
        paras, cur, in_opts = [], [], False
        for line in lines[i:]:
            if line.strip() == "options:":
                if cur:
                    paras.append(cur)
                cur = []
                self.desc, paras, in_opts = paras, [], True
                continue
            if in_opts and line.startswith("  ") and (line.lstrip().startswith("-") or
                                                      (self.options and line.startswith("      "))):
                self._option_line(line)
                continue
            in_opts = False
            if not line.strip():
                if cur:
                    paras.append(cur)
                cur = []
            else:
                cur.append(line)
        if cur:
            paras.append(cur)
        if not self.options and not self.desc:
            self.desc, paras = paras, []
        for p in paras:
            text = " ".join(s.strip() for s in p)
            m = re.search(r"(^|(?<=\.)\s+)Exit status:\s*(.*)$", text)
            if m:
                self.exit_status = m.group(2)
                before = text[:m.start()].strip()
                if before:
                    self.after.append([before])
            else:
                self.after.append(p)

    def _option_line(self, line):
        body = line[2:]
        if not body.startswith("-"):  # continuation of the previous description
            self.options[-1].desc += " " + body.strip()
            return
        # The spec is the names and at most one value word after each name; the description
        # starts at the first other word (usually after two spaces, sometimes after one).
        tokens = re.split(r"(\s+)", body.strip())
        words = tokens[0::2]
        gaps = [""] + tokens[1::2]  # the white space before each word
        specs, cur, k, after_name = [], [], 0, False
        while k < len(words):
            w = words[k]
            if len(gaps[k]) >= 2 and cur and not cur[-1].endswith(","):
                break
            if w == "/" and cur:  # "--line DEV / --baud N / --exec CMD": one line for three
                specs.append(cur)
                cur, after_name = [], False
            elif w.startswith("-") and (not cur or after_name or cur[-1].endswith(",")):
                cur.append(w)
                after_name = not re.search(r"=\w+\]?,?$", w)
            elif after_name and re.search(r"[A-Z]", w) and not w.startswith("("):
                cur.append(w)
                after_name = False
            else:
                break
            k += 1
        specs.append(cur)
        desc = " ".join(words[k:])
        spec_text = " / ".join(" ".join(x) for x in specs)
        for part in specs:
            names, arg, optional, attached = [], None, False, False
            for tok in part:
                tok = tok.rstrip(",")
                if tok.startswith("-"):
                    mm = re.match(r"(-[-\w]+)(\[=(\w+)\]|=(\w+))?$", tok)
                    if not mm:
                        die("cannot read the option '%s' in the help line '%s'" % (tok, line.strip()))
                    names.append(mm.group(1))
                    if mm.group(3):
                        arg, optional, attached = mm.group(3), True, True
                    elif mm.group(4):
                        arg, attached = mm.group(4), True
                else:
                    arg = tok
            o = Option(names, arg, optional, desc)
            o.attached = attached
            if len(specs) > 1:
                o.group = spec_text
            prev = next((x for x in self.options if x.names == names), None)
            if prev:  # "--set-mac WHERE=MAC" and "--set-mac MAC": one option, two forms
                prev.desc += "; or " + desc
            else:
                self.options.append(o)

    def long_options(self):
        return [n for o in self.options for n in o.names if n.startswith("--")]

    def all_words(self):
        """What completion offers for '-': every name, with '=' on the attached ones."""
        out = []
        for o in self.options:
            for n in o.names:
                out.append(n + "=" if o.attached and not o.optional_arg and n.startswith("--") else n)
        return out


# ---------------------------------------------------------------- roff

def roff_text(s):
    s = s.replace("\\", "\\e")
    s = re.sub(r"(?<![\w/.])-(?=[-\w])", r"\\-", s)       # -x, --long: a minus, not a hyphen
    s = re.sub(r"(?<=\\-)-", r"\\-", s)
    return s


def roff_line(s):
    s = roff_text(s.strip())
    if s[:1] in (".", "'"):
        s = "\\&" + s
    return s


def roff_para(lines, out):
    out.append(".PP")
    for line in lines:
        if line.strip():
            out.append(roff_line(line))


def bold_name(n):
    return "\\fB" + roff_text(n) + "\\fR"


def option_head(o):
    parts = []
    for n in o.names:
        if o.arg and o.optional_arg:
            parts.append("%s[=\\fI%s\\fR]" % (bold_name(n), roff_text(o.arg)))
        elif o.arg and o.attached:
            parts.append("%s=\\fI%s\\fR" % (bold_name(n), roff_text(o.arg)))
        elif o.arg:
            parts.append("%s \\fI%s\\fR" % (bold_name(n), roff_text(o.arg)))
        else:
            parts.append(bold_name(n))
    return ", ".join(parts)


def see_also(names):
    out = [".SH SEE ALSO"]
    out.append(",\n".join(".BR %s (1)" % n.replace("-", "\\-") for n in names))
    return out


def th(name, version):
    return ['.TH %s 1 "" "mtdscope %s" "%s"' % (name.upper().replace("-", "\\-"), version, SECTION_TITLE),
            ".nh"]  # no hyphenation: option names and values are copied from the page


def command_page(cmd, summary, h, version, commands):
    out = ['.\\" Generated by doc/gen-cli-docs.py from \'mtdscope %s --help\'; do not edit.' % cmd]
    out += th("mtdscope-" + cmd, version)
    out += [".SH NAME", "mtdscope\\-%s \\- %s" % (roff_text(cmd), roff_text(summary))]
    out += [".SH SYNOPSIS"]
    for u in h.usage:
        m = re.match(r"mtdscope\s+(\S+)\s*(.*)$", u)
        if m:
            out += [".B mtdscope %s" % roff_text(m.group(1))]
            if m.group(2):
                out.append(roff_line(m.group(2)))
        else:
            out.append(roff_line(u))
        out.append(".br")
    if out[-1] == ".br":
        out.pop()
    out.append(".SH DESCRIPTION")
    for p in h.desc + h.after:
        roff_para(p, out)
    if h.options:
        out.append(".SH OPTIONS")
        shown = set()
        for o in h.options:
            if o.group in shown:
                continue
            if o.group:
                shown.add(o.group)
                heads = [option_head(x) for x in h.options if x.group == o.group]
                out += [".TP", " / ".join(heads), roff_line(o.desc)]
            else:
                out += [".TP", option_head(o), roff_line(o.desc)]
    out += [".SH EXIT STATUS", ".PP", roff_line(h.exit_status or DEFAULT_EXIT)]
    text = " ".join(" ".join(p) for p in h.desc + h.after) + " " + " ".join(o.desc for o in h.options)
    related = [c for c in commands if c != cmd and re.search(r"\bmtdscope %s\b" % re.escape(c), text)]
    out += see_also(["mtdscope"] + ["mtdscope-" + c for c in related])
    return "\n".join(out) + "\n"


def main_page(top, summaries, commands, version):
    out = ['.\\" Generated by doc/gen-cli-docs.py from \'mtdscope --help\'; do not edit.']
    out += th("mtdscope", version)
    name = " ".join(top.desc[0]).rstrip(".") if top.desc else "the mtdscope commands"
    out += [".SH NAME", "mtdscope \\- " + roff_text(name[:1].lower() + name[1:])]
    out += [".SH SYNOPSIS"]
    for u in top.usage:
        m = re.match(r"mtdscope\s*(.*)$", u)
        out += [".B mtdscope", roff_line(m.group(1) if m else u)]
    out.append(".SH DESCRIPTION")
    for p in top.desc[1:] + top.after:
        roff_para(p, out)
    out.append(".PP")
    out.append("Each command has its own page, \\fBmtdscope\\-\\fIcommand\\fR(1), made from the same "
               "text as \\fBmtdscope \\fIcommand\\fB \\-\\-help\\fR.")
    out.append(".SH COMMANDS")
    for c in commands:
        out += [".TP", ".BR mtdscope\\-%s (1)" % roff_text(c), roff_line(summaries[c])]
    if "help" in summaries:
        out += [".TP", ".B mtdscope help \\fR[\\fIcommand\\fR]", roff_line(summaries["help"])]
    out += [".SH OPTIONS",
            ".TP", "\\fB\\-\\-version\\fR, \\fB\\-V\\fR",
            "print the version and the versions of the libraries in use; with \\fB\\-\\-json\\fR as JSON",
            ".TP", "\\fB\\-\\-help\\fR, \\fB\\-h\\fR", "list the commands",
            ".TP", "\\fB\\-\\-color\\fR=\\fIWHEN\\fR", "auto (default), always or never"]
    out += [".SH EXIT STATUS", ".PP", roff_line(DEFAULT_EXIT), ".PP",
            "Commands that check something say in their page what 1 means for them."]
    out += see_also(["mtdscope-" + c for c in commands])
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- bash

def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def bash_completion(commands, helps, summaries):
    out = ["# bash completion for mtdscope -*- shell-script -*-",
           "# Generated by doc/gen-cli-docs.py from the command table and each command's --help; do not edit.",
           "",
           "_mtdscope_opts() { # CMD -> the options of CMD",
           "\tcase $1 in"]
    for c in commands:
        out.append("\t%s) echo %s ;;" % (c, sh_quote(" ".join(helps[c].all_words()))))
    out += ["\tesac", "}", "",
            "_mtdscope_arg() { # CMD OPTION -> how its value is completed: file dir command none or 'values: A B'",
            "\tcase $1:$2 in"]
    for c in commands:
        for o in helps[c].options:
            k = o.kind()
            if not o.arg:
                continue
            what = "values: " + " ".join(o.values()) if k == "values" else k
            if o.optional_arg:
                what = "optional " + what
            for n in o.names:
                out.append("\t%s:%s) echo %s ;;" % (c, n, sh_quote(what)))
    out += ["\t*) echo flag ;;", "\tesac", "}", "",
            "_mtdscope() {",
            "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i",
            "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}",
            "\tCOMPREPLY=()",
            "\tfor ((i = 1; i < COMP_CWORD; i++)); do",
            "\t\tcase ${COMP_WORDS[i]} in",
            "\t\t-* | =) ;;",
            "\t\t*) [ \"${COMP_WORDS[i - 1]}\" = = ] || { cmd=${COMP_WORDS[i]}; break; } ;;",
            "\t\tesac",
            "\tdone",
            "\t# --opt=VALUE: readline splits at '=' (COMP_WORDBREAKS) or not",
            "\tlocal opt= val=$cur",
            "\tif [[ $cur == --*=* ]]; then",
            "\t\topt=${cur%%=*} val=${cur#*=}",
            "\telif [ \"$cur\" = = ]; then",
            "\t\topt=$prev val=",
            "\telif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -ge 2 ]; then",
            "\t\topt=${COMP_WORDS[COMP_CWORD - 2]}",
            "\tfi",
            "\tlocal pre=",
            "\t[[ $cur == --*=* ]] && pre=$opt=",
            "\tif [ -z \"$cmd\" ]; then",
            "\t\tif [ \"$opt\" = --color ]; then",
            "\t\t\tCOMPREPLY=($(compgen -P \"$pre\" -W 'auto always never' -- \"$val\"))",
            "\t\telif [[ $cur == -* ]]; then",
            "\t\t\tCOMPREPLY=($(compgen -W '--version --help --json --color=' -- \"$cur\"))",
            "\t\telse",
            "\t\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))" % sh_quote(" ".join(list(commands) + ["help"])),
            "\t\tfi",
            "\t\t[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null",
            "\t\treturn 0",
            "\tfi",
            "\tif [ \"$cmd\" = help ]; then",
            "\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))" % sh_quote(" ".join(commands)),
            "\t\treturn 0",
            "\tfi",
            "\tlocal how",
            "\tif [ -n \"$opt\" ]; then",
            "\t\thow=$(_mtdscope_arg \"$cmd\" \"$opt\")",
            "\t\thow=${how#optional }",
            "\telse",
            "\t\thow=$(_mtdscope_arg \"$cmd\" \"$prev\")",
            "\t\t[[ $how == optional* ]] && how=flag # --opt[=V]: a separate word is not its value",
            "\tfi",
            "\tcase $how in",
            "\tvalues:*) COMPREPLY=($(compgen -P \"$pre\" -W \"${how#values: }\" -- \"$val\")); return 0 ;;",
            "\tfile) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$val\")); return 0 ;;",
            "\tdir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$val\")); return 0 ;;",
            "\tcommand) COMPREPLY=($(compgen -c -- \"$val\")); return 0 ;;",
            "\tnone) return 0 ;;",
            "\tesac",
            "\tif [[ $cur == -* ]]; then",
            "\t\tCOMPREPLY=($(compgen -W \"$(_mtdscope_opts \"$cmd\")\" -- \"$cur\"))",
            "\t\t[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null",
            "\telse",
            "\t\tcompopt -o filenames 2>/dev/null",
            "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))",
            "\tfi",
            "\treturn 0",
            "}",
            "complete -F _mtdscope mtdscope"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- zsh

def zq(s):
    """A word for zsh in single quotes."""
    return "'" + s.replace("'", "'\\''") + "'"


def zdesc(s):
    s = re.sub(r"\s+", " ", s)
    if len(s) > 70:
        s = s[:67].rsplit(" ", 1)[0] + "..."
    return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def zsh_action(o):
    k = o.kind()
    if k == "values":
        return "(%s)" % " ".join(o.values())
    return {"file": "_files", "dir": "_files -/", "command": "_command_names -e"}.get(k, " ")


def zsh_specs(h):
    specs = []
    for o in h.options:
        star = "*" if o.repeatable else ""
        group = "(%s)" % " ".join(o.names) if len(o.names) > 1 and not star else ""
        for n in o.names:
            d = zdesc(o.desc)
            if not o.arg:
                spec = "%s%s%s[%s]" % (group, star, n, d)
            elif o.optional_arg:
                spec = "%s%s%s=-[%s]::%s:%s" % (group, star, n, d, o.arg, zsh_action(o))
            elif o.attached:
                spec = "%s%s%s=-[%s]:%s:%s" % (group, star, n, d, o.arg, zsh_action(o))
            else:
                spec = "%s%s%s+[%s]:%s:%s" % (group, star, n, d, o.arg, zsh_action(o))
            specs.append(spec)
    specs.append("*:file:_files")
    return specs


def zsh_completion(commands, helps, summaries):
    out = ["#compdef mtdscope",
           "# zsh completion for mtdscope.",
           "# Generated by doc/gen-cli-docs.py from the command table and each command's --help; do not edit.",
           "",
           "_mtdscope() {",
           "\tlocal -a _mtdscope_commands",
           "\t_mtdscope_commands=("]
    for c in list(commands) + ["help"]:
        out.append("\t\t%s" % zq("%s:%s" % (c, zdesc(summaries[c]))))
    out += ["\t)",
            "\tlocal -i i=2",
            "\twhile (( i < CURRENT )) && [[ $words[i] == -* ]]; do (( i++ )); done",
            "\tif (( i == CURRENT )); then",
            "\t\tif [[ $words[CURRENT] == -* ]]; then",
            "\t\t\t_arguments '(- *)--version[print the versions]' '(- *)--help[list the commands]' \\",
            "\t\t\t\t'--json[with --version: as JSON]' '--color=-[colour]:WHEN:(auto always never)'",
            "\t\telse",
            "\t\t\t_describe -t commands 'mtdscope command' _mtdscope_commands",
            "\t\tfi",
            "\t\treturn",
            "\tfi",
            "\tlocal cmd=$words[i]",
            "\tshift $(( i - 1 )) words",
            "\t(( CURRENT -= i - 1 ))",
            "\tcase $cmd in",
            "\thelp) _describe -t commands 'mtdscope command' _mtdscope_commands ;;"]
    for c in commands:
        out.append("\t%s)" % c)
        out.append("\t\t_arguments -s -S \\")
        specs = zsh_specs(helps[c])
        for k, s in enumerate(specs):
            out.append("\t\t\t%s%s" % (zq(s), " \\" if k + 1 < len(specs) else ""))
        out.append("\t\t;;")
    out += ["\t*) _files ;;", "\tesac", "}", "", '_mtdscope "$@"']
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    if len(sys.argv) < 4:
        die("usage: gen-cli-docs.py MTDSCOPE OUTDIR COMMAND...")
    exe, outdir, table = sys.argv[1], sys.argv[2], sys.argv[3:]
    top_text = run(exe, "--help")
    summaries, listing = {}, False
    for line in top_text.split("\n"):
        if line.strip() == "commands:":
            listing = True
            continue
        if listing:
            m = re.match(r"  (\S+)\s+(.*)$", line)
            if not m:
                break
            summaries[m.group(1)] = m.group(2).strip()
    listed = list(summaries)
    if listed != table:
        die("'mtdscope --help' lists %s but the command table in src/cli/main.c has %s "
            "(reconfigure: meson reads the table)" % (listed, table))
    commands = [c for c in table if c != "help"]
    version = run(exe, "--version").split("\n")[0].split()[-1]
    top = Help(top_text.split("\ncommands:")[0] + "\n" + top_text.split("\n\n")[-1])
    helps = {}
    for c in commands:
        helps[c] = Help(run(exe, c, "--help"))
        if not helps[c].options:
            die("'mtdscope %s --help' shows no options" % c)
    write(os.path.join(outdir, "mtdscope.1"), main_page(top, summaries, commands, version))
    for c in commands:
        write(os.path.join(outdir, "mtdscope-%s.1" % c), command_page(c, summaries[c], helps[c], version, commands))
    write(os.path.join(outdir, "mtdscope"), bash_completion(commands, helps, summaries))
    write(os.path.join(outdir, "_mtdscope"), zsh_completion(commands, helps, summaries))


if __name__ == "__main__":
    main()
