#!/usr/bin/env bash
# Fetch the pinned front-end libraries from the npm registry and copy the few files the site
# uses, with their licenses, into web/static/vendor/. Run by `make vendor`; safe to run again.
#
# Nothing is loaded from a CDN at run time: the copied files are committed, so only a person
# upgrading a library needs npm. To upgrade, change the version and the integrity (printed by
# `npm view PACKAGE@VERSION dist.integrity`), run `make vendor` and commit the result.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENDOR="$HERE/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LISTED=()

command -v npm >/dev/null || { echo "vendor.sh: npm is needed to fetch the libraries" >&2; exit 1; }

# vendor PACKAGE VERSION INTEGRITY DEST FILE...
#   Download PACKAGE@VERSION as a tarball, check its sha512 against INTEGRITY, and copy each
#   FILE (a path inside the package) to static/vendor/DEST/FILE, with the package's licenses.
vendor() {
  local package="$1" version="$2" integrity="$3" dest="$4"
  shift 4
  local unpack="$WORK/$dest"
  mkdir -p "$unpack"
  (cd "$unpack" && npm pack --silent "$package@$version" >/dev/null)
  local tarball
  tarball="$(ls "$unpack"/*.tgz)"
  local actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "vendor.sh: $package@$version does not match its pinned integrity" >&2
    echo "  expected $integrity" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$unpack"
  rm -rf "${VENDOR:?}/$dest"
  mkdir -p "$VENDOR/$dest"
  local file
  for file in "$@"; do
    install -D -m 0644 "$unpack/package/$file" "$VENDOR/$dest/$file"
  done
  for file in "$unpack"/package/LICEN[CS]E* "$unpack"/package/COPYING*; do
    [ -e "$file" ] && install -m 0644 "$file" "$VENDOR/$dest/"
  done
  LISTED+=("$package@$version $dest/ $integrity")
}

# CodeMirror 5: the editor, its SPARQL mode and the completion pop-up (used by js/editor/).
vendor codemirror 5.65.21 \
  "sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ==" \
  codemirror \
  lib/codemirror.js lib/codemirror.css \
  mode/sparql/sparql.js \
  addon/hint/show-hint.js addon/hint/show-hint.css \
  addon/edit/matchbrackets.js addon/edit/closebrackets.js \
  addon/comment/comment.js

# Add more libraries above this line with the same `vendor` call.

{
  echo "# Vendored front-end libraries: package@version, folder, npm integrity."
  echo "# Written by web/vendor.sh; do not edit by hand."
  printf '%s\n' "${LISTED[@]}" | sort
} > "$VENDOR/VERSIONS"
echo "vendor.sh: vendored ${#LISTED[@]} package(s) into $VENDOR"
