#!/usr/bin/env bash
# Runs every test suite of RenderFarm and installs what they need (Debian packages and
# NuGet packages). Idempotent: quick when everything is already installed.
# Ends with one line "N passed, N failed", summed over all suites; exits non-zero on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/tests/.results"
rm -rf "$results"
mkdir -p "$results"

# Debian packages the suites run against: promtool, Blender, the Python side of the add-on tests,
# docker-compose checks the compose file (no engine needed); Chromium shows the farm page;
# Pushgateway is the benchmark's comparison; Alertmanager receives the shipped alerts from a real Blender
# farm; debootstrap makes the Debian roots of newer Blenders; systemd-analyze checks the service unit;
# flake8 checks the add-on's Python. kubectl comes from Kubernetes' own packages on the machine image.
debian_packages=(prometheus prometheus-pushgateway prometheus-alertmanager blender python3-pytest python3-protobuf python3-grpcio python3-prometheus-client protobuf-compiler openssl docker-compose chromium debootstrap systemd flake8)

# The Blender version matrix beyond this machine's own 3.4: Debian suite, the Blender version it must have,
# and more of that suite's packages the suites use (sid's Prometheus 3.5 LTS and its Alertmanager).
# Each gets a cached minimal root (tests/blender-roots/build.sh); the Blender suites run in all of them.
blender_roots=("trixie 4.3" "sid 5.2 prometheus prometheus-alertmanager")

install_missing_debian_packages() { # package…
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages: ${missing[*]}; run this command as root to install them." >&2
        return 1
    fi
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

passed=0
failed=0

record() { # suite passed failed
    printf '%-28s %4d passed, %d failed\n' "$1" "$2" "$3"
    passed=$((passed + $2))
    failed=$((failed + $3))
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# debootstrap first: the Blender roots are made in the background while everything else installs and runs.
if ! install_missing_debian_packages debootstrap; then
    record "setup (debootstrap)" 0 1
    finish
fi

mkdir -p "$results/blender-roots"
root_builds=()
for entry in "${blender_roots[@]}"; do
    read -r suite version extra <<<"$entry"
    # Its own process group (to stop it whole), and the machine's spare time only: the suites running
    # meanwhile measure time.
    # shellcheck disable=SC2086 # the extra packages are words
    setsid nice -n 19 ionice -c 3 bash tests/blender-roots/build.sh "$suite" "$version" $extra \
        > "$results/blender-roots/$suite.log" 2>&1 &
    root_builds+=("$!:$suite")
done

stop_root_builds() { # a run that stops early leaves no build behind; an unfinished root is made anew next time
    local build
    for build in "${root_builds[@]}"; do
        kill -- "-${build%%:*}" 2>/dev/null
    done
    root_builds=()
}
trap stop_root_builds EXIT

wait_for_blender_roots() {
    local ok=0 build
    for build in "${root_builds[@]}"; do
        if ! wait "${build%%:*}"; then
            cat "$results/blender-roots/${build#*:}.log"
            ok=1
        fi
    done
    root_builds=()
    return $ok
}

if ! install_missing_debian_packages "${debian_packages[@]}"; then
    record "setup (Debian packages)" 0 1
    finish
fi

if ! command -v dotnet >/dev/null; then
    echo "The .NET SDK (dotnet) is not on PATH." >&2
    record "setup (.NET SDK)" 0 1
    finish
fi

echo "Building RenderFarm.sln"
if ! dotnet build RenderFarm.sln -c Release --nologo -v quiet > "$results/build.log" 2>&1; then
    cat "$results/build.log"
    record "build" 0 1
    finish
fi

run_suite() { # project
    local project="$1" name
    name="$(basename "$project" .csproj)"
    echo "Running $name"
    dotnet test "$project" -c Release --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" > "$results/$name.log" 2>&1
    local trx="$results/$name.trx"
    if [ -f "$trx" ]; then
        local counters suite_passed suite_failed suite_errors
        counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
        suite_passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
        suite_failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
        suite_errors="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
        suite_failed=$(( ${suite_failed:-0} + ${suite_errors:-0} ))
        [ "$suite_failed" -gt 0 ] && grep -vE '^\s*$' "$results/$name.log" | grep -v '\[server\]' | tail -n 80
        record "$name" "${suite_passed:-0}" "$suite_failed"
    else
        tail -n 80 "$results/$name.log"
        record "$name" 0 1
    fi
}

# C# suites, one after another: the end-to-end ones load both cores. The suites that use the Debian roots
# (the Blender suites; the deploy tests for sid's promtool 3.5) go last, so on a first run the others run
# while the roots are still being made.
uses_roots=(RenderFarm.DeployTests.csproj RenderFarm.BlenderTests.csproj)
for project in tests/*/*.csproj; do
    [[ "$(basename "$project")" == *Tests.csproj ]] || continue
    [[ " ${uses_roots[*]} " == *" $(basename "$project") "* ]] || run_suite "$project"
done
if wait_for_blender_roots; then
    for project in "${uses_roots[@]}"; do
        run_suite "tests/${project%.csproj}/$project"
    done
else
    record "RenderFarm.DeployTests, BlenderTests (Debian roots)" 0 1
fi

# The add-on's bpy-free core, with the system Python Blender itself uses.
if [ -d tests/addon ]; then
    echo "Running add-on tests (pytest)"
    /usr/bin/python3 -m pytest tests/addon -q -p no:cacheprovider --junitxml="$results/addon.xml" > "$results/addon.log" 2>&1
    if [ -f "$results/addon.xml" ]; then
        suite="$(grep -o '<testsuite [^>]*>' "$results/addon.xml" | head -n 1)"
        tests="$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$suite")"
        fails="$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$suite")"
        errors="$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$suite")"
        skipped="$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$suite")"
        bad=$(( ${fails:-0} + ${errors:-0} ))
        [ "$bad" -gt 0 ] && tail -n 80 "$results/addon.log"
        record "add-on (pytest)" $(( ${tests:-0} - bad - ${skipped:-0} )) "$bad"
    else
        tail -n 80 "$results/addon.log"
        record "add-on (pytest)" 0 1
    fi
fi

# The add-on's Python and its tests, against .flake8 (one finding fails the check).
echo "Running flake8"
if flake8 blender_client tests/addon tests/RenderFarm.BlenderTests/Scenes > "$results/flake8.log" 2>&1; then
    record "add-on lint (flake8)" 1 0
else
    cat "$results/flake8.log"
    record "add-on lint (flake8)" 0 1
fi

finish
