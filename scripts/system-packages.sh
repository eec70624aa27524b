#!/bin/sh
# Install the Debian packages bulletin needs, or say exactly how to.
# Usage: scripts/system-packages.sh PACKAGE...
# A package that is installed already is skipped, so a second run does nothing.
set -eu

missing=""
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
# Tools wanted as commands, from whatever package put them on PATH: the HTML checker (vnu)
# runs on any Java 11+; LibreOffice opens the DOCX editions and converts .doc/.wps imports;
# npm fetches the independent OFD reader (ofd.js) the OFD tests draw pages with.
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "bulletin needs these Debian/Ubuntu packages (or your system's equivalents):$missing" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "bulletin needs system packages that are not installed. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
