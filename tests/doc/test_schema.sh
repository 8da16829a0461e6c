#!/usr/bin/env bash
# Every --json has a versioned schema: each command is run on real inputs (json_docs.sh:
# the sample, its layout, real logs, the fake U-Boot console, a TFTP transfer on
# loopback) and every document it prints is validated against doc/schema/<command>.json
# with python3-jsonschema; the schemas are strict enough that a renamed or missing member fails.
. "$SRCDIR/tests/lib.sh"
export ASAN_OPTIONS=detect_leaks=0
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import jsonschema' 2>/dev/null || PY=python3
"$PY" -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema not installed (run scripts/setup.sh)"
[ -f "$BUILDDIR/sample/sample.bin" ] || { ok 1 "the sample is built"; done_testing; exit 1; }
bash "$SRCDIR/tests/doc/json_docs.sh" "$T/docs" 2>"$T/docs.err"
ok $? "json_docs.sh ran"
is "$(cat "$T/docs.err")" "" "every command printed its JSON document"

# the commands whose --help offers --json, and version
commands=$("$MTDSCOPE" help | sed -n '/^commands:/,/^$/p' | awk 'NF >= 2 && $1 != "commands:" && $1 != "help" {print $1}')
with_json=version
for c in $commands; do
	"$MTDSCOPE" "$c" --help | grep -qE '^ {1,4}--json' && with_json="$with_json $c"
done
is "$(printf '%s\n' $with_json | wc -l)" 19 "18 commands and --version have --json"

cat >"$T/check.py" <<'PYEOF'
import glob, json, os, sys
import jsonschema
sdir, ddir, cmds = sys.argv[1], sys.argv[2], sys.argv[3:]
n = 0
def ok(cond, what, detail=""):  # one line for the shell: 0|1 TAB description
    print("%d\t%s" % (0 if cond else 1, what))
    if not cond and detail:
        print("\n".join("#   " + l for l in str(detail).splitlines()[:12]))
readme = open(os.path.join(sdir, "README.md")).read()
for c in cmds:
    path = os.path.join(sdir, c + ".json")
    ok(os.path.exists(path), "%s: doc/schema/%s.json exists" % (c, c))
    if not os.path.exists(path):
        continue
    schema = json.load(open(path))
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        good = True
    except jsonschema.SchemaError as e:
        good = e
    ok(good is True, "%s: the schema is a valid draft 2020-12 schema" % c, good)
    ok("`%s.json`" % c in readme, "%s: doc/schema/README.md lists it" % c)
    v = jsonschema.Draft202012Validator(schema)
    docs = sorted(glob.glob(os.path.join(ddir, c + ".*.json")))
    ok(len(docs) > 0, "%s: real documents to check (%d)" % (c, len(docs)))
    want_id = "mtdscope.%s/" % c
    for f in docs:
        d = json.load(open(f))
        name = os.path.basename(f)
        ok(isinstance(d, dict) and str(d.get("schema", "")).startswith(want_id) and list(d)[0] == "schema",
           "%s: opens with \"schema\": \"%s<version>\"" % (name, want_id), d.get("schema") if isinstance(d, dict) else d)
        errs = sorted(v.iter_errors(d), key=lambda e: list(e.path))
        ok(not errs, "%s: valid against doc/schema/%s.json" % (name, c),
           "\n".join("%s: %s" % ("/".join(map(str, e.path)), e.message[:200]) for e in errs[:5]))
    if docs:
        # strictness: the first document with a member renamed, and with one removed, must fail
        d = json.load(open(docs[0]))
        k = [x for x in d if x != "schema"][0]
        renamed = dict(d)
        renamed[k + "_renamed"] = renamed.pop(k)
        ok(not v.is_valid(renamed), "%s: a renamed member ('%s') fails the schema" % (c, k))
        req = [x for x in schema.get("required", []) if x != "schema"]
        if req:
            less = dict(d)
            less.pop(req[0], None)
            ok(not v.is_valid(less), "%s: a missing required member ('%s') fails the schema" % (c, req[0]))
        bad = dict(d)
        bad["schema"] = want_id + "999"
        ok(not v.is_valid(bad), "%s: another version in \"schema\" fails the schema" % c)
PYEOF
"$PY" "$T/check.py" "$SRCDIR/doc/schema" "$T/docs" $with_json >"$T/results" 2>&1
ok $? "the schema check ran"
while IFS= read -r line; do
	case $line in
	"#"*) echo "$line" ;;
	[01]"	"*) ok "${line%%	*}" "${line#*	}" ;;
	*) echo "#   $line" ;;
	esac
done <"$T/results"
done_testing
