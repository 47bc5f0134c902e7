#!/usr/bin/env python3
"""Write time-machine.md, the pandoc source of the EPUB fixtures, from
../plaintext/pg-time-machine.txt (Project Gutenberg eBook #35, public
domain) and the opening of Natsume Soseki's 吾輩は猫である (1905, public
domain). The headings, footnotes and the image are ours."""
import pathlib, re, struct, zlib

here = pathlib.Path(__file__).parent
lines = (here / "../plaintext/pg-time-machine.txt").read_text(encoding="utf-8").splitlines()

def paragraphs(start, end):
    """The paragraphs between two 1-based line numbers, unwrapped."""
    out, cur = [], []
    for line in lines[start - 1:end - 1]:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(" ".join(cur)); cur = []
    if cur:
        out.append(" ".join(cur))
    return out

ch1 = paragraphs(61, 279)
ch2 = paragraphs(282, 433)
ch3 = paragraphs(436, 632)

# Notes of our own, as EPUB 3 footnotes.
ch1[0] = ch1[0].replace("(for so it will be convenient to speak of him)",
                        "(for so it will be convenient to speak of him)[^traveller]", 1)
for i, p in enumerate(ch1):
    if "Professor Simon Newcomb" in p:
        ch1[i] = p.replace("Professor Simon Newcomb", "Professor Simon Newcomb[^newcomb]", 1)

md = ["---",
      "title: The Time Machine, in Parts",
      "author:",
      "- H. G. Wells",
      "- Natsume Sōseki",
      "lang: en",
      "date: 1895-05-07",
      "identifier: urn:longform:test:time-machine-parts",
      "---", ""]
md += ["# Part One: The Dinner", "", "The first evening, told by one of the guests.", ""]
md += ["## I. Introduction", ""]
half = len(ch1) // 2
md += ["### The Fourth Dimension", ""] + [p + "\n" for p in ch1[:half]]
md += ["### The Model", ""] + [p + "\n" for p in ch1[half:]]
md += ["## II. The Machine", "", "![The little machine on the octagonal table](machine.png)", ""]
md += [p + "\n" for p in ch2]
md += ["# Part Two: The Return", "", "The second evening.", ""]
md += ["## III. The Time Traveller Returns", ""] + [p + "\n" for p in ch3]
md += ["## 第四章 吾輩は猫である", "",
       "吾輩は猫である。名前はまだ無い。",
       "",
       "どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。",
       ""]
md += ["[^traveller]: The narrator never gives the Time Traveller a name.", "",
       "[^newcomb]: Simon Newcomb (1835–1909), an American astronomer, wrote on the fourth dimension in the 1890s.", ""]
(here / "time-machine.md").write_text("\n".join(md), encoding="utf-8")

# A 16x8 image: a grey bar on white, drawn here.
w, h = 16, 8
rows = b"".join(b"\x00" + bytes([255 if y in (0, h - 1) or x in (0, w - 1) else 96 for x in range(w)]) for y in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
(here / "machine.png").write_bytes(png)
