#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draft a JSON Schema (draft 2020-12) from real documents of one command.

    gen-schema-draft.py COMMAND DOC.json... > doc/schema/COMMAND.json

A starting point to review by hand, not the contract: every object gets the union of
the members seen (additionalProperties false, so a renamed member fails), required =
the members every instance had, types = the types seen (null where seen).  Objects
whose keys are data, not names (OPEN below: a component's details, environment
variables), stay open.  Review against the code that writes the document: a member
written only sometimes must not be required because the samples all had it.
"""
import glob
import json
import os
import re
import sys

OPEN = {"details", "vars", "fields"}
# Members the code writes only in some cases (scripts/... review; `if (...) mtd_json_kv_*`):
# never required, even when every sample had them.
OPTIONAL = {"declared_size", "decoded_size", "flag", "note", "number", "nvmem_cells", "page",
            "sha256", "size_on_chip", "uci", "block", "offset", "size", "table", "target", "value",
            "matches_whole", "file_size", "size_ok"}
MIN_SEEN = 3
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def nullable_keys():
    """Members the code may write as null: a key followed within a few lines by
    mtd_json_null().  (Every string member may be null: the writer prints NULL as null.)"""
    keys = set()
    for f in glob.glob(os.path.join(SRC, "**", "*.c"), recursive=True):
        lines = open(f).read().split("\n")
        for i, l in enumerate(lines):
            m = re.search(r'mtd_json_key\(\s*\w+,\s*"([^"]+)"\)', l)
            if m and any("mtd_json_null(" in x for x in lines[i + 1:i + 7]):
                keys.add(m.group(1))
    return keys


NULLABLE = nullable_keys()  # a nested member is required only when seen in at least this many instances


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def infer(values, name="", depth=0):
    types = sorted({kind(v) for v in values})
    if "integer" in types and "number" in types:
        types.remove("integer")
    if "string" in types or (name in NULLABLE and depth > 0):
        types = sorted(set(types) | {"null"})
    s = {}
    objs = [v for v in values if isinstance(v, dict)]
    arrs = [v for v in values if isinstance(v, list)]
    if objs:
        if name in OPEN:
            s["additionalProperties"] = True
        else:
            keys = []
            for o in objs:
                for k in o:
                    if k not in keys:
                        keys.append(k)
            s["properties"] = {k: infer([o[k] for o in objs if k in o], k, depth + 1) for k in keys}
            s["required"] = [k for k in keys if all(k in o for o in objs) and
                             (depth == 0 or (len(objs) >= MIN_SEEN and k not in OPTIONAL))]
            s["additionalProperties"] = False
    if arrs:
        items = [x for a in arrs for x in a]
        s["items"] = infer(items, name, depth + 1) if items else {}
    s = {"type": types[0] if len(types) == 1 else types, **s}
    return s


# What review of the code found that the samples cannot show (kept across re-drafts).
def review(cmd, s):
    if cmd == "serve":  # every event has time and event; the rest depends on the event
        s["required"] = ["schema", "time", "event"]
    if cmd == "scan":  # null unless --view (NAND with OOB): doc/scan-json.md
        s["properties"]["view"] = {"type": ["null", "object"]}
    return s


def main():
    cmd, files = sys.argv[1], sys.argv[2:]
    docs = [json.load(open(f)) for f in files]
    s = review(cmd, infer(docs))
    ids = sorted({d.get("schema") for d in docs})
    s["properties"]["schema"] = {"const": ids[0]} if len(ids) == 1 else {"enum": ids}
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "$id": "https://mtdscope.invalid/schema/%s.json" % cmd,
           "title": "mtdscope %s --json" % cmd if cmd != "version" else "mtdscope --version --json",
           "description": "Drafted by scripts/gen-schema-draft.py from real output, reviewed by hand; "
                          "versioning rule in doc/schema/README.md.", **s}
    json.dump(out, sys.stdout, indent=1)
    print()


main()
