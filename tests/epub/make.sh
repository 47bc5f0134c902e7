#!/bin/sh
# Rebuild the EPUB fixtures (pandoc 2.17; SOURCE_DATE_EPOCH keeps the
# archives' dates fixed). Run from this folder.
set -eu
python3 make-source.py
export SOURCE_DATE_EPOCH=946684800
pandoc time-machine.md -o time-machine-epub3.epub -t epub3 --toc-depth=3 --epub-chapter-level=2 --resource-path=.
pandoc time-machine.md -o time-machine-epub2.epub -t epub2 --toc-depth=3 --epub-chapter-level=2 --resource-path=.
