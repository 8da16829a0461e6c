#!/usr/bin/env python3
"""Look at what chromium made of an HTML report (tests/html).

  check_dom.py tags DOM          element counts and attribute names, as JSON
  check_dom.py json DOM ID       the JSON of <script type="application/json" id=ID>, keys sorted
  check_dom.py text DOM          the text of the page (outside script and style), one node a line
  check_dom.py png FILE          "WIDTH HEIGHT COLOURS NON_WHITE_PERMILLE" of a screenshot (PIL)
"""
import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.scripts = {}, {}, [], {}
        self.stack, self.cur = [], None

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, _ in attrs:
            self.attrs[k] = self.attrs.get(k, 0) + 1
        if tag in ("script", "style"):
            self.cur = (tag, dict(attrs).get("id"), [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.cur and tag == self.cur[0]:
            if tag == "script":
                self.scripts[self.cur[1]] = "".join(self.cur[2])
            self.cur = None

    def handle_data(self, data):
        if self.cur:
            self.cur[2].append(data)
        elif data.strip():
            self.text.append(data)


def load(path):
    d = Dom()
    with open(path, encoding="utf-8", errors="replace") as f:
        d.feed(f.read())
    d.close()
    return d


def main():
    cmd = sys.argv[1]
    if cmd == "png":
        from PIL import Image
        im = Image.open(sys.argv[2]).convert("RGB")
        w, h = im.size
        small = im.resize((max(1, w // 4), max(1, h // 4)))
        px = list(small.getdata())
        colours = len(set(px))
        nonwhite = sum(1 for p in px if min(p) < 240)
        print(w, h, colours, nonwhite * 1000 // len(px))
        return
    d = load(sys.argv[2])
    if cmd == "tags":
        print(json.dumps({"tags": d.tags, "attrs": d.attrs}, sort_keys=True))
    elif cmd == "json":
        print(json.dumps(json.loads(d.scripts[sys.argv[3]]), sort_keys=True))
    elif cmd == "text":
        print("\n".join(d.text))
    else:
        sys.exit("check_dom.py: unknown command " + cmd)


main()
