#!/bin/sh
# record-packages.sh OUT [FILE...]
#
# Writes into OUT the package records of exactly the distribution packages that own the files of the
# image: every regular file under OUT (each stands for the same absolute path in the base image) and each
# FILE given (copied into the image later, from the base). Scanners (Trivy, Grype, Syft) read these records
# to know what the image contains:
#
# - Debian (dpkg): OUT/var/lib/dpkg/status.d/<package>, the package's status stanza as dpkg-query prints it
#   (the layout distroless uses), and OUT/var/lib/dpkg/status.d/<package>.md5sums for the files copied;
# - Alpine (apk): OUT/lib/apk/db/installed, the owning packages' entries of the base's apk database.
#
# From the same data it writes the image's SBOM, OUT/var/lib/cdk8s-scratch-nginx/sbom.cdx.json (CycloneDX
# 1.5 JSON): each package with its version and purl, holding the files copied from it with their SHA-256;
# files that no package owns are listed on their own. Its one JSON quoting is the awk function json() below,
# which refuses a control character rather than guess. The output depends only on the files and the
# database: two builds give the same bytes.
#
# A base with neither database gets no records and an SBOM of files only (a notice says so). RECORD_ROOT
# prefixes the database paths (tests only).
set -eu

if [ "$#" -lt 1 ]; then
  echo "usage: record-packages.sh OUT [FILE...]" >&2
  exit 2
fi
out=$1
shift
root=${RECORD_ROOT:-}
admin="$root/var/lib/dpkg"
apkdb="$root/lib/apk/db/installed"
meta="$out/var/lib/cdk8s-scratch-nginx"
mkdir -p "$meta"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The files: the tree under OUT (as absolute paths of the base), then the FILEs given; sorted, unique.
{
  (cd "$out" && find . -type f ! -path './var/lib/cdk8s-scratch-nginx/*' ! -path './var/lib/dpkg/*' ! -path './lib/apk/*' | sed 's/^\.//')
  for f in "$@"; do printf '%s\n' "$f"; done
} | LC_ALL=C sort -u > "$work/files"

# SHA-256 of a file of the image: the copy under OUT, else the FILE given.
sha256_of() {
  if [ -f "$out$1" ]; then sha256sum "$out$1" | cut -d ' ' -f 1; else sha256sum "$1" | cut -d ' ' -f 1; fi
}

# The other spelling of a path under Debian's merged /usr (/lib/x <-> /usr/lib/x).
other_spelling() {
  case "$1" in
    /usr/*) printf '%s\n' "${1#/usr}" ;;
    *) printf '/usr%s\n' "$1" ;;
  esac
}

# One line per file: path, package, version, architecture, sha256 ("-" where no package owns the file).
tsv="$work/owners"
: > "$tsv"
distro='-'
if [ -f "$root/etc/os-release" ]; then
  distro=$(. "$root/etc/os-release" && printf '%s-%s' "${ID:-linux}" "${VERSION_ID:-unknown}")
fi
if [ -f "$admin/status" ] && command -v dpkg-query >/dev/null 2>&1; then
  kind=deb
  status_d="$out/var/lib/dpkg/status.d"
  mkdir -p "$status_d"
  while IFS= read -r path; do
    owner=''
    for candidate in "$path" "$(other_spelling "$path")"; do
      # "pkg[:arch][, pkg...]: /path"; diversion lines start with "diversion by".
      owner=$(dpkg-query --admindir="$admin" -S "$candidate" 2>/dev/null | sed -n 's/^\([^ ]*\): \/.*$/\1/p' | head -n 1 | sed 's/,.*$//') || owner=''
      [ -n "$owner" ] && break
    done
    sum=$(sha256_of "$path")
    if [ -z "$owner" ]; then
      printf '%s\t-\t-\t-\t%s\n' "$path" "$sum" >> "$tsv"
      continue
    fi
    name=${owner%%:*}
    fields=$(dpkg-query --admindir="$admin" -W -f '${Version}\t${Architecture}' "$owner")
    printf '%s\t%s\t%s\t%s\n' "$path" "$name" "$fields" "$sum" >> "$tsv"
    [ -f "$status_d/$name" ] || dpkg-query --admindir="$admin" -s "$owner" > "$status_d/$name"
    if [ -f "$out$path" ]; then (cd "$out" && md5sum "${path#/}") >> "$status_d/$name.md5sums"; fi
  done < "$work/files"
elif [ -f "$apkdb" ]; then
  kind=apk
  # Each entry of the database is a block of "X:value" lines ending with an empty line: P: name, V: version,
  # A: architecture, F: a folder (no leading slash), R: a file in the last folder.
  awk -v list="$work/files" '
    BEGIN { while ((getline line < list) > 0) want[line] = 1 }
    /^P:/ { pkg = substr($0, 3) }
    /^V:/ { ver = substr($0, 3) }
    /^A:/ { arch = substr($0, 3) }
    /^F:/ { dir = substr($0, 3) }
    /^R:/ { p = (dir == "" ? "" : "/" dir) "/" substr($0, 3); if (p in want && !(p in owner)) owner[p] = pkg "\t" ver "\t" arch }
    END { for (p in want) print p "\t" ((p in owner) ? owner[p] : "-\t-\t-") }
  ' "$apkdb" | LC_ALL=C sort > "$work/owned"
  while IFS="$(printf '\t')" read -r path name version arch; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$path" "$name" "$version" "$arch" "$(sha256_of "$path")" >> "$tsv"
  done < "$work/owned"
  mkdir -p "$out/lib/apk/db"
  awk -v owners="$tsv" '
    BEGIN { while ((getline line < owners) > 0) { split(line, f, "\t"); if (f[2] != "-") keep[f[2]] = 1 } }
    { block = block $0 "\n" }
    /^P:/ { pkg = substr($0, 3) }
    /^$/ { if (pkg in keep) printf "%s", block; block = ""; pkg = "" }
    END { if (block != "" && pkg in keep) printf "%s\n", block }
  ' "$apkdb" > "$out/lib/apk/db/installed"
else
  kind=none
  echo "record-packages: the base image has no dpkg or apk database: the image gets no package records" >&2
  while IFS= read -r path; do printf '%s\t-\t-\t-\t%s\n' "$path" "$(sha256_of "$path")" >> "$tsv"; done < "$work/files"
fi
LC_ALL=C sort "$tsv" -o "$tsv"
awk -F '\t' '$2 == "-" { print "record-packages: " $1 " belongs to no package" } $2 != "-" { print "record-packages: " $2 " " $3 }' "$tsv" | LC_ALL=C sort -u

# The SBOM. Packages sorted by name, files by path, so the bytes depend only on the data.
LC_ALL=C sort -t "$(printf '\t')" -k 2,2 -k 1,1 "$tsv" | awk -F '\t' -v kind="$kind" -v distro="$distro" '
  function json(s,    i, c, r) {
    if (s ~ /[\001-\037\177]/) { print "record-packages: a control character in " s " cannot go into the SBOM" > "/dev/stderr"; failed = 1; exit 1 }
    # Character by character: gsub replacement strings treat backslashes differently in each awk.
    r = ""
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\\") r = r "\\\\"; else if (c == "\"") r = r "\\\""; else r = r c
    }
    return "\"" r "\""
  }
  # A purl: the epoch becomes a qualifier; the version is percent-encoded where purl requires it.
  function purl(name, version, arch,    epoch, q) {
    epoch = ""
    if (version ~ /^[0-9]+:/) { epoch = version; sub(/:.*/, "", epoch); sub(/^[0-9]+:/, "", version) }
    gsub(/%/, "%25", version); gsub(/\+/, "%2B", version); gsub(/:/, "%3A", version)
    q = "arch=" arch (distro != "-" ? "&distro=" distro : "") (epoch != "" ? "&epoch=" epoch : "")
    return "pkg:" kind "/" (kind == "deb" ? (distro ~ /^ubuntu/ ? "ubuntu" : "debian") : "alpine") "/" name "@" version "?" q
  }
  function file(path, sum, indent) {
    return indent "{\"type\": \"file\", \"bom-ref\": " json("file:" path) ", \"name\": " json(path) ", \"hashes\": [{\"alg\": \"SHA-256\", \"content\": " json(sum) "}]}"
  }
  BEGIN {
    print "{"
    print "  \"bomFormat\": \"CycloneDX\","
    print "  \"specVersion\": \"1.5\","
    print "  \"version\": 1,"
    print "  \"metadata\": {\"tools\": {\"components\": [{\"type\": \"application\", \"name\": \"cdk8s-scratch-nginx record-packages.sh\"}]}},"
    print "  \"components\": ["
    n = 0; loose = ""
  }
  $2 == "-" { loose = loose (loose == "" ? "" : ",\n") file($1, $5, "    "); next }
  {
    if ($2 != current) {
      if (current != "") printf "\n    ]},\n"
      current = $2; p = purl($2, $3, $4)
      printf "    {\"type\": \"library\", \"bom-ref\": %s, \"name\": %s, \"version\": %s, \"purl\": %s, \"components\": [\n", json(p), json($2), json($3), json(p)
      first = 1
    }
    printf "%s%s", (first ? "" : ",\n"), file($1, $5, "      ")
    first = 0; n++
  }
  END {
    if (failed) exit 1
    if (current != "") printf "\n    ]}%s\n", (loose != "" ? "," : "")
    if (loose != "") print loose
    print "  ]"
    print "}"
  }
' > "$meta/sbom.cdx.json"
echo "record-packages: $meta/sbom.cdx.json"
