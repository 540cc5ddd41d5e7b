#!/bin/sh
# collect-rootfs.sh OUT FILE...
#
# Copies each FILE (an executable or a dynamic module) and the closure of the shared libraries it needs,
# as `ldd` reports them, into the directory OUT, each under its absolute path. Symbolic links are
# dereferenced, so the copies are regular files at the paths the loader asks for. Works with glibc's and
# musl's ldd (the loader line is collected as well); LDD names another ldd (for example musl-ldd).
# Fails when a file is missing or when any library is "not found".
set -eu

if [ "$#" -lt 2 ]; then
  echo "usage: collect-rootfs.sh OUT FILE..." >&2
  exit 2
fi
out=$1
shift
ldd_cmd=${LDD:-ldd}
paths=''

for file in "$@"; do
  if [ ! -f "$file" ]; then
    echo "collect-rootfs: $file does not exist in the base image" >&2
    exit 1
  fi
  paths="$paths$file
"
  status=0
  deps=$($ldd_cmd "$file" 2>&1) || status=$?
  if [ "$status" -ne 0 ]; then
    case "$deps" in
      *'not a dynamic executable'*|*'ot a valid dynamic program'*) continue ;; # glibc; musl ("Not a valid ...")
    esac
    echo "collect-rootfs: $ldd_cmd $file failed ($status):" >&2
    printf '%s\n' "$deps" >&2
    exit 1
  fi
  missing=$(printf '%s\n' "$deps" | grep 'not found' || true)
  if [ -n "$missing" ]; then
    echo "collect-rootfs: $file needs libraries that are not in the base image:" >&2
    printf '%s\n' "$missing" >&2
    exit 1
  fi
  # "name => /path (0x...)" gives /path; "/path (0x...)" (the loader) gives /path; "linux-vdso.so.1 (0x...)" gives nothing.
  libs=$(printf '%s\n' "$deps" | sed -n \
    -e 's/^[[:space:]]*[^[:space:]]*[[:space:]]*=>[[:space:]]*\(\/[^[:space:]]*\).*$/\1/p' \
    -e 's/^[[:space:]]*\(\/[^[:space:]]*\)[[:space:]]*(.*$/\1/p')
  if [ -n "$libs" ]; then
    paths="$paths$libs
"
  fi
done

printf '%s' "$paths" | sort -u | while IFS= read -r path; do
  [ -n "$path" ] || continue
  mkdir -p "$out$(dirname "$path")"
  cp -L "$path" "$out$path"
  echo "collect-rootfs: $path"
done
