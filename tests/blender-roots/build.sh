#!/usr/bin/env bash
# Makes (or finds, cached) a minimal Debian root with that suite's Blender and python3-grpcio, so the
# Blender suites run against the Blender versions studios use, not only the machine's own; optionally
# more of that suite's packages (sid's Prometheus and Alertmanager, say).
#
#   tests/blender-roots/build.sh SUITE [EXPECTED_BLENDER_VERSION [PACKAGE…]]
#
# The root lives in "$RENDERFARM_TEST_CACHE/blender-roots/SUITE" (default cache: /var/cache/renderfarm-tests),
# outside the checkout, and is kept between runs. It is rebuilt when missing or broken (no stamp, or its
# Blender does not start). A new root is made beside the old one and moved into place only when complete;
# packages asked for later are added to the cached root in place. Needs root (debootstrap, chroot).
# Prints the root's folder and its Blender version.
set -euo pipefail

suite="${1:?usage: build.sh SUITE [EXPECTED_BLENDER_VERSION]}"
expected="${2:-}"
shift $(( $# < 2 ? $# : 2 ))
cache="${RENDERFARM_TEST_CACHE:-/var/cache/renderfarm-tests}/blender-roots"
root="$cache/$suite"
stamp="$root/.renderfarm-root"

machine_mirror() { # the Debian archive this machine's apt uses (deb822 .sources or one-line lists), not its security archive
    {
        sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
        sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
    } | grep -v -e '-security' -e '^$' | head -n 1 || true # a missing list file is no error
}
mirror="${RENDERFARM_DEBIAN_MIRROR:-$(machine_mirror)}"
if [ -z "$mirror" ]; then
    echo "No Debian mirror in this machine's apt configuration; set RENDERFARM_DEBIAN_MIRROR." >&2
    exit 1
fi
packages=(blender python3-grpcio "$@")

blender_version() { # root -> "5.2.2", or nothing when that Blender does not start
    chroot "$1" blender --version 2>/dev/null | sed -n 's/^Blender \([0-9][0-9.]*\).*/\1/p' | head -n 1
}

install_packages() { # root package… (sid's Release file on a mirror can be past its Valid-Until date)
    { chroot "$1" apt-get -o Acquire::Check-Valid-Until=false update -qq \
        && DEBIAN_FRONTEND=noninteractive chroot "$1" apt-get install -y -qq --no-install-recommends "${@:2}" \
        && chroot "$1" apt-get clean; } >> "$cache/$suite.log" 2>&1 \
        || { tail -n 20 "$cache/$suite.log" >&2; echo "installing ${*:2} in the $suite root failed (log: $cache/$suite.log)" >&2; exit 1; }
}

write_stamp() { # root version
    printf 'suite=%s\nblender=%s\npackages=%s\n' "$suite" "$2" "${packages[*]}" > "$1/.renderfarm-root"
}

if [ -f "$stamp" ] && version="$(blender_version "$root")" && [ -n "$version" ]; then
    kept="$(sed -n 's/^packages=//p' "$stamp")"
    missing=()
    for package in "${packages[@]}"; do
        [[ " $kept " == *" $package "* ]] || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Adding ${missing[*]} to the cached Debian $suite root" >&2
        rm -f "$stamp" # an interrupted install leaves no stamp: the root is made anew next time
        install_packages "$root" "${missing[@]}"
        write_stamp "$root" "$version"
    fi
else
    echo "Making a Debian $suite root with Blender in $root (first run only)" >&2
    mkdir -p "$cache"
    work="$root.new"
    # An interrupted debootstrap can leave its /proc or /sys mounted in the unfinished root.
    awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l
    rm -rf --one-file-system "$work"
    debootstrap --variant=minbase "$suite" "$work" "$mirror" > "$cache/$suite.log" 2>&1 \
        || { tail -n 20 "$cache/$suite.log" >&2; echo "debootstrap of $suite failed (log: $cache/$suite.log)" >&2; exit 1; }
    install_packages "$work" "${packages[@]}"
    version="$(blender_version "$work")"
    [ -n "$version" ] || { echo "Blender in the new $suite root does not start" >&2; exit 1; }
    write_stamp "$work" "$version"
    rm -rf --one-file-system "$root"
    mv "$work" "$root"
fi

if [ -n "$expected" ] && [[ "$version" != "$expected" && "$version" != "$expected".* ]]; then
    echo "The $suite root has Blender $version, the matrix expects $expected: update the matrix (tests/run.sh)" >&2
    exit 1
fi
echo "$root $version"
