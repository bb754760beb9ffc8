#!/usr/bin/env bash
# Runs RenderFarm's test suites and installs what they need (Debian packages and NuGet packages).
# Idempotent: quick when everything is already installed.
#
#   bash tests/run.sh               every tier: what CI runs
#   bash tests/run.sh --fast        the unit tier: no process, socket or Debian package beyond the SDK and Python
#   bash tests/run.sh --tier NAME   one tier (repeat for more): unit, integration, perf, deploy, blender
#
# Ends with each suite's and tier's wall time, then one line "N passed, N failed", summed over the suites run;
# exits non-zero on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Every test belongs to one tier, named after what it needs: a C# project by its tier here, a pytest test by its
# marker (unmarked: unit; @pytest.mark.integration: integration). A project in no tier fails the run.
declare -A project_tier=(
    [RenderFarm.UnitTests]=unit
    [RenderFarm.IntegrationTests]=integration
    [RenderFarm.StatusTests]=integration
    [RenderFarm.Benchmarks.Tests]=perf
    [RenderFarm.DeployTests]=deploy
    [RenderFarm.BlenderTests]=blender
)
all_tiers=(unit integration perf deploy blender)

tiers=()
while [ $# -gt 0 ]; do
    case "$1" in
        --fast) tiers+=(unit) ;;
        --tier)
            if [ $# -lt 2 ] || [[ " ${all_tiers[*]} " != *" $2 "* ]]; then
                echo "run.sh: --tier takes one of: ${all_tiers[*]}" >&2
                exit 2
            fi
            tiers+=("$2")
            shift ;;
        *) echo "run.sh: unknown argument '$1'; use --fast or --tier NAME (${all_tiers[*]})" >&2; exit 2 ;;
    esac
    shift
done
[ ${#tiers[@]} -eq 0 ] && tiers=("${all_tiers[@]}")
selected() { [[ " ${tiers[*]} " == *" $1 "* ]]; }

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

# The unit tier needs Python's test packages and the linter only.
unit_packages=(python3-pytest python3-protobuf flake8)

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
timings=()
declare -A tier_seconds=()
started_at=$SECONDS

record() { # suite passed failed [tier seconds]
    printf '%-28s %4d passed, %d failed\n' "$1" "$2" "$3"
    passed=$((passed + $2))
    failed=$((failed + $3))
    if [ $# -ge 5 ]; then
        timings+=("$(printf '%-12s %-32s %5d s %5d passed %3d failed' "$4" "$1" "$5" "$2" "$3")")
    fi
}

finish() {
    if [ ${#timings[@]} -gt 0 ]; then
        echo
        echo "Wall time per suite (tier, suite, seconds, passed, failed):"
        printf '  %s\n' "${timings[@]}"
        for tier in "${all_tiers[@]}"; do
            [ -n "${tier_seconds[$tier]:-}" ] && printf '  tier %-12s %5d s\n' "$tier" "${tier_seconds[$tier]}"
        done
        printf '  whole run %9d s (set-up and build included)\n' $((SECONDS - started_at))
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

for project in tests/*/*Tests.csproj; do
    name="$(basename "$project" .csproj)"
    if [ -z "${project_tier[$name]:-}" ]; then
        echo "$name is in no tier: add it to project_tier in tests/run.sh" >&2
        record "tiers ($name)" 0 1
        finish
    fi
done

needs_roots=false
if selected deploy || selected blender; then
    needs_roots=true
fi
only_unit=true
for tier in "${tiers[@]}"; do
    [ "$tier" = unit ] || only_unit=false
done

# debootstrap first: the Blender roots are made in the background while everything else installs and runs.
if $needs_roots && ! install_missing_debian_packages debootstrap; then
    record "setup (debootstrap)" 0 1
    finish
fi

mkdir -p "$results/blender-roots"
root_builds=()
$needs_roots || blender_roots=()
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

$only_unit && debian_packages=("${unit_packages[@]}")
if ! install_missing_debian_packages "${debian_packages[@]}"; then
    record "setup (Debian packages)" 0 1
    finish
fi

if ! command -v dotnet >/dev/null; then
    echo "The .NET SDK (dotnet) is not on PATH." >&2
    record "setup (.NET SDK)" 0 1
    finish
fi

# The unit tier builds its one project (and the server it tests); the others the whole solution.
build_target=RenderFarm.sln
$only_unit && build_target=tests/RenderFarm.UnitTests/RenderFarm.UnitTests.csproj
echo "Building $build_target"
if ! dotnet build "$build_target" -c Release --nologo -v quiet > "$results/build.log" 2>&1; then
    cat "$results/build.log"
    record "build" 0 1
    finish
fi

run_suite() { # project
    local project="$1" name begin
    name="$(basename "$project" .csproj)"
    local tier="${project_tier[$name]}"
    echo "Running $name ($tier)"
    begin=$SECONDS
    dotnet test "$project" -c Release --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" > "$results/$name.log" 2>&1
    local trx="$results/$name.trx" seconds=$((SECONDS - begin))
    if [ -f "$trx" ]; then
        local counters suite_passed suite_failed suite_errors
        counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
        suite_passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
        suite_failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
        suite_errors="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
        suite_failed=$(( ${suite_failed:-0} + ${suite_errors:-0} ))
        [ "$suite_failed" -gt 0 ] && grep -vE '^\s*$' "$results/$name.log" | grep -v '^\s*\[server ' | tail -n 80
        record "$name" "${suite_passed:-0}" "$suite_failed" "$tier" "$seconds"
    else
        tail -n 80 "$results/$name.log"
        record "$name" 0 1 "$tier" "$seconds"
    fi
}

# The add-on's bpy-free core, with the system Python Blender itself uses: started in the background (the integration part
# waits on loopback servers, a few seconds of CPU in half a minute, so it shares the cores with the C# suites), collected after.
pytest_pid=""
start_pytest() { # tier marker-expression
    local tier="$1" expression="$2"
    echo "Running add-on tests (pytest, $tier)"
    (
        begin=$SECONDS
        /usr/bin/python3 -m pytest tests/addon -q -p no:cacheprovider -m "$expression" \
            --junitxml="$results/addon-$tier.xml" > "$results/addon-$tier.log" 2>&1
        echo $((SECONDS - begin)) > "$results/addon-$tier.seconds"
    ) &
    pytest_pid=$!
}

collect_pytest() { # tier
    local tier="$1"
    wait "$pytest_pid"
    local seconds
    seconds="$(cat "$results/addon-$tier.seconds" 2>/dev/null || echo 0)"
    if [ -f "$results/addon-$tier.xml" ]; then
        local suite tests fails errors skipped bad
        suite="$(grep -o '<testsuite [^>]*>' "$results/addon-$tier.xml" | head -n 1)"
        tests="$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$suite")"
        fails="$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$suite")"
        errors="$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$suite")"
        skipped="$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$suite")"
        bad=$(( ${fails:-0} + ${errors:-0} ))
        [ "$bad" -gt 0 ] && tail -n 80 "$results/addon-$tier.log"
        record "add-on (pytest, $tier)" $(( ${tests:-0} - bad - ${skipped:-0} )) "$bad" "$tier" "$seconds"
    else
        tail -n 80 "$results/addon-$tier.log"
        record "add-on (pytest, $tier)" 0 1 "$tier" "$seconds"
    fi
}

run_tier() { # tier: its C# projects, in the order of all_tiers, with its pytest part beside them
    local tier="$1" project tier_begin=$SECONDS
    selected "$tier" || return 0
    case "$tier" in
        unit) start_pytest unit "not integration" ;;
        integration) start_pytest integration "integration" ;;
    esac
    for project in tests/*/*Tests.csproj; do
        [ "${project_tier[$(basename "$project" .csproj)]}" = "$tier" ] && run_suite "$project"
    done
    case "$tier" in
        unit)
            collect_pytest unit
            # The add-on's Python and its tests, against .flake8 (one finding fails the check).
            echo "Running flake8"
            local begin=$SECONDS
            if flake8 blender_client tests/addon tests/RenderFarm.BlenderTests/Scenes > "$results/flake8.log" 2>&1; then
                record "add-on lint (flake8)" 1 0 unit $((SECONDS - begin))
            else
                cat "$results/flake8.log"
                record "add-on lint (flake8)" 0 1 unit $((SECONDS - begin))
            fi ;;
        integration) collect_pytest integration ;;
    esac
    tier_seconds[$tier]=$((SECONDS - tier_begin)) # wall time: suites that run side by side count once
}

# Tiers one after another: the end-to-end ones load both cores. Those that use the Debian roots (the Blender
# suites; the deploy tests for sid's promtool 3.5) go last, so on a first run the others run while the roots are
# still being made.
run_tier unit
run_tier integration
run_tier perf
if $needs_roots; then
    if wait_for_blender_roots; then
        run_tier deploy
        run_tier blender
    else
        record "RenderFarm.DeployTests, BlenderTests (Debian roots)" 0 1
    fi
fi

finish
