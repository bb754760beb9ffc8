#!/usr/bin/env bash
# Runs a command (Blender) inside a Debian root made by build.sh, sharing this machine's network
# (so the server on loopback is reachable) and the given folders, in a private mount namespace:
# every mount made here is gone when the command ends, and the cached root stays untouched.
#
#   run-in-root.sh ROOT FOLDER[:FOLDER…] COMMAND [ARGUMENT…]
#
# Each FOLDER must be under /tmp; it appears at the same path inside the root.
set -euo pipefail

root="$1" folders="$2"
shift 2
exec unshare --mount --propagation private -- /bin/bash -c '
    set -e
    root="$1" folders="$2"
    shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount -t tmpfs tmpfs "$root/tmp"
    IFS=: read -ra shared <<< "$folders"
    for folder in "${shared[@]}"; do
        folder="$(realpath -e "$folder")"
        case "$folder" in /tmp/?*) ;; *) echo "run-in-root.sh: $folder is not under /tmp" >&2; exit 64 ;; esac
        mkdir -p "$root$folder"
        mount --bind "$folder" "$root$folder"
    done
    exec chroot "$root" "$@"
' run-in-root "$root" "$folders" "$@"
