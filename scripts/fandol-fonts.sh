#!/bin/sh
# A free 仿宋 for the body text: the four Fandol faces (FandolFang, FandolHei,
# FandolKai, FandolSong; GPL with the font exception, so PDFs may embed them).
# Debian ships them only inside texlive-lang-chinese (~100 MB installed), so this
# downloads that one .deb (no install) into a cache folder, takes out just the
# four .otf files, puts them in a folder fontconfig reads and refreshes its cache.
# A machine that has FandolFang already (or no apt-get) is left as it is.
# Usage: scripts/fandol-fonts.sh
set -eu

if command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q FandolFang; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "FandolFang (a free 仿宋) is not installed; bulletin uses Noto Serif CJK SC for the body." >&2
  echo "Install a FangSong font, or the Fandol fonts of TeX Live, to print the body in 仿宋." >&2
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  DEST=/usr/local/share/fonts/fandol
  CACHE=/var/cache/bulletin
else
  DEST="${XDG_DATA_HOME:-$HOME/.local/share}/fonts/fandol"
  CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/bulletin"
fi
mkdir -p "$DEST" "$CACHE/deb"

deb=$(ls "$CACHE"/deb/texlive-lang-chinese_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  echo "fetching texlive-lang-chinese for its Fandol fonts (only the package file; nothing is installed)"
  if ! (cd "$CACHE/deb" && apt-get download -q texlive-lang-chinese >/dev/null 2>&1); then
    [ "$(id -u)" -eq 0 ] && apt-get update -q >/dev/null 2>&1 || true
    (cd "$CACHE/deb" && apt-get download -q texlive-lang-chinese >/dev/null) || {
      echo "could not fetch texlive-lang-chinese; the body falls back to Noto Serif CJK SC" >&2
      exit 0
    }
  fi
  deb=$(ls "$CACHE"/deb/texlive-lang-chinese_*.deb | head -n 1)
fi

FANDOL=./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" \
  "$FANDOL/FandolFang-Regular.otf" "$FANDOL/FandolHei-Regular.otf" \
  "$FANDOL/FandolKai-Regular.otf" "$FANDOL/FandolSong-Regular.otf"
cp "$tmp/$FANDOL"/*.otf "$DEST/"
chmod 644 "$DEST"/*.otf
fc-cache -f "$DEST" >/dev/null 2>&1 || true
echo "installed FandolFang, FandolHei, FandolKai and FandolSong in $DEST"
