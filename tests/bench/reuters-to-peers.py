#!/usr/bin/env python3
"""Convert Reuters-21578 SGML into the inputs of the peers newsarc is
measured against: Xapian scriptindex's "field=value" records and a TSV
for SQLite FTS5.  Run before timing; the conversion is not counted.

Usage: reuters-to-peers.py OUTDIR FILE.sgm...
"""
import html
import os
import re
import sys

TAG = {t: re.compile(r"<%s>(.*?)</%s>" % (t, t), re.S) for t in
       ("DATE", "TITLE", "BODY", "PLACES", "PEOPLE", "ORGS", "TOPICS")}
D = re.compile(r"<D>(.*?)</D>")
MONTHS = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text(m):
    return CONTROL.sub("", html.unescape(m.group(1))).strip() if m else ""


def main():
    out = sys.argv[1]
    si = open(os.path.join(out, "reuters.si"), "w", encoding="utf-8")
    tsv = open(os.path.join(out, "reuters.tsv"), "w", encoding="utf-8")
    for path in sys.argv[2:]:
        data = open(path, encoding="latin-1").read()
        for art in re.findall(r"<REUTERS.*?</REUTERS>", data, re.S):
            newid = re.search(r'NEWID="(\d+)"', art).group(1)
            title, body = text(TAG["TITLE"].search(art)), text(TAG["BODY"].search(art))
            if not title and not body:
                t = re.search(r"<TEXT[^>]*>(.*?)</TEXT>", art, re.S)
                body = text(t)
            m = re.search(r"(\d+)-([A-Z]{3})-(\d{4})\s+(\d\d):(\d\d):(\d\d)", art)
            si.write("id=reuters-%s\n" % newid)
            if m:
                d = "%s%02d%02d" % (m.group(3), MONTHS[m.group(2)], int(m.group(1)))
                si.write("date=%s\nsortdate=%s%s%s%s\n" % (d, d, m.group(4), m.group(5), m.group(6)))
            for field, tag in (("place", "PLACES"), ("person", "PEOPLE"), ("org", "ORGS"), ("topic", "TOPICS")):
                for code in D.findall(TAG[tag].search(art).group(1)):
                    si.write("%s=%s\n" % (field, code))
            si.write("title=%s\n" % title.replace("\n", " "))
            si.write("body=%s\n\n" % body.replace("\n", "\n="))
            clean = lambda s: s.replace("\t", " ").replace("\n", " ")
            tsv.write("reuters-%s\t%s\t%s\n" % (newid, clean(title), clean(body)))


if __name__ == "__main__":
    main()
