#!/usr/bin/env python3
"""Checks every link of a static site (standard library only): each href and
src of every .html page under DIR must be relative and lead to a file inside
DIR; a link to another site, an absolute path, or a file that does not exist
is reported. Fragments must name an id of the target page.

usage: link_check.py DIR  → JSON on stdout: {"pages", "links", "broken", "external"}
"""
import json, os, sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ('href', 'src', 'xlink:href') and value is not None:
                self.links.append(value)
            if name == 'id' and value:
                self.ids.add(value)


def parse(path):
    parser = Links()
    with open(path, encoding='utf-8') as f:
        parser.feed(f.read())
    return parser


def main():
    root = os.path.realpath(sys.argv[1])
    pages = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith('.html'):
                full = os.path.join(folder, name)
                pages[full] = parse(full)
    broken, external, count = [], [], 0
    for page, parser in sorted(pages.items()):
        for link in parser.links:
            count += 1
            parts = urlsplit(link)
            where = os.path.relpath(page, root) + ' -> ' + link
            if link.startswith('url(#'):
                continue
            if parts.scheme or parts.netloc or link.startswith('/'):
                external.append(where)
                continue
            target = page if parts.path == '' else os.path.realpath(os.path.join(os.path.dirname(page), unquote(parts.path)))
            if not target.startswith(root + os.sep) or not os.path.isfile(target):
                broken.append(where)
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(where + ' (no such id)')
    json.dump({'pages': len(pages), 'links': count, 'broken': broken, 'external': external}, sys.stdout, ensure_ascii=False)


main()
