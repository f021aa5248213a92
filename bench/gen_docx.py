#!/usr/bin/env python3
"""Writes N WTSA-style contributions as .docx files with real tracked changes.

Each file is a proposal `MOD<tab>BEN/<i>/1` to modify a resolution: a cover abstract, the
title block, preamble and operative sections with labelled items, and insertions and
deletions (w:ins / w:del with author and date) in about one item in three. Standard library
only (zipfile writes the WordprocessingML), repeatable for a given seed.

Usage: bench/gen_docx.py COUNT OUTDIR [SEED] [ITEMS]
"""
import os
import random
import sys
import zipfile
from xml.sax.saxutils import escape

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""

WORDS = ("postal telecommunication collaboration digital financial services quality experience "
         "payment mobile remittance inclusion security standard interoperability network operator "
         "cost transaction study group council committee question recommendation joint meeting "
         "liaison statement environment circular economy smart cities artificial intelligence "
         "blockchain metaverse disaster risk management identity address logistics parcel").split()
HEADINGS = [("considering", "abc"), ("recognizing", "ab"), ("recalling", ""),
            ("observing", ""), ("resolves", ""), ("instructs the Director of the "
            "Telecommunication Standardization Bureau", "123"), ("invites Member States", "12")]


def run(text, rid=None):
    t = escape(text)
    return f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>'


def change(kind, text, n, date):
    tag = "w:ins" if kind == "ins" else "w:del"
    inner = (f'<w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r>'
             if kind == "del" else run(text))
    return f'<{tag} w:id="{n}" w:author="BEN" w:date="{date}">{inner}</{tag}>'


def para(content, style=None):
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{content}</w:p>"


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def document(i, rng, items):
    ids = iter(range(1, 10_000))
    date = f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:00:00Z"
    body = [
        para(run("Abstract: ") + run(sentence(rng, 40) + ".")),
        para(run("Introduction"), "Heading1"),
    ]
    body += [para(run(sentence(rng, 60) + ".")) for _ in range(3)]
    body.append(para(run("MOD") + "<w:r><w:tab/></w:r>" + run(f"BEN/{i}/1"), "Proposal"))
    body.append(para(run("RESOLUTION 11 (Rev. ") + change("del", "Hammamet, 2016", next(ids), date)
                     + change("ins", "New Delhi, 2024", next(ids), date) + run(")"), "ResNo"))
    body.append(para(run("Collaboration on " + sentence(rng, 12)), "Restitle"))
    body.append(para(run("(Malaga-Torremolinos, 1984; Hammamet, 2016)"), "Resref"))
    body.append(para(run("The World Telecommunication Standardization Assembly (")
                     + change("del", "Hammamet, 2016", next(ids), date)
                     + change("ins", "New Delhi, 2024", next(ids), date) + run("),"),
                     "Normalaftertitle"))
    made = 0
    while made < items:
        for heading, labels in HEADINGS:
            body.append(para(run(heading), "Call"))
            for label in (labels or [None]):
                words = [sentence(rng, rng.randint(6, 14)) for _ in range(4)]
                content = run((f"{label})" if label and label.isalpha() else (label or "")))
                if label:
                    content += "<w:r><w:tab/></w:r>"
                content += run("that " + words[0] + " ")
                if rng.random() < 0.35:
                    content += change("del", words[1] + " ", next(ids), date)
                    content += change("ins", sentence(rng, 5) + " ", next(ids), date)
                else:
                    content += run(words[1] + " ")
                content += run(words[2] + " " + words[3] + ",")
                body.append(para(content))
                made += 1
    body.append(para(run("Reasons: ") + run(sentence(rng, 30) + ".")))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>'
            + "".join(body) + "</w:body></w:document>")


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    items = int(sys.argv[4]) if len(sys.argv) > 4 else 60
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    for i in range(1, count + 1):
        path = os.path.join(out, f"BEN-{i:05}.docx")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", CONTENT_TYPES)
            z.writestr("_rels/.rels", RELS)
            z.writestr("word/document.xml", document(i, rng, items))


if __name__ == "__main__":
    main()
