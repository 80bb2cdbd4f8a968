#!/usr/bin/env bash
# Installs exactly what Gatehouse needs on Debian 12 to build, test and run.
# Idempotent: installs only the packages that are missing and runs `apt-get update`
# once, only when something has to be installed.
#
#   packaging/install-deps.sh [build|test|run|bench]...   (default: build test run)
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config ccache clang-format
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
  libqt6opengl6-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qtkeychain-qt6-dev libssl-dev libboost-dev
  libsimdjson-dev libdeflate-dev liblz4-dev libsqlite3-dev libqrencode-dev
)
# Test services: a real X server, a private D-Bus session with the Secret Service
# (gnome-keyring), a PostgreSQL server for throwaway clusters, Python for the independent
# reading of the CloudTrail test files (tests/audit/trail_reference.py) and for checking
# resources/openapi.yaml against the server (PyYAML, jsonschema), and the openssl command
# line, which makes the RSA keys, signatures and TLS certificates the tests check against
# (priority optional in Debian, so not always there), and nginx, the load balancer in front
# of two servers in the scale-out test (which runs its own nginx on its own port).
test_pkgs=(
  xvfb xauth x11-utils dbus dbus-x11 gnome-keyring libsecret-tools
  postgresql postgresql-client
  python3 python3-yaml python3-jsonschema openssl nginx-light
)
run_pkgs=(
  libqt6widgets6 libqt6network6 libqt6sql6 libqt6sql6-sqlite libqt6sql6-psql
  libqt6charts6 libqt6concurrent6 libqt6svg6 qt6-qpa-plugins libqt6keychain1 libssl3
  libsimdjson14 libdeflate0 liblz4-1
  john-data
)

# The tools the benchmarks run beside Gatehouse (bench/BenchTrailIndex: a `zcat | jq` filter
# pass and the same filter with Python's json module); zcat comes with gzip, always there.
# bench/BenchServer: wrk, and Node.js for the servers it runs beside gatehouse-server (npm
# comes with Node.js from other sources than Debian, and as a package of its own in Debian).
bench_pkgs=(
  jq python3 wrk nodejs
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build test run)

wanted=()
for g in "${groups[@]}"; do
  case "$g" in
    build) wanted+=("${build_pkgs[@]}") ;;
    test)  wanted+=("${test_pkgs[@]}") ;;
    run)   wanted+=("${run_pkgs[@]}") ;;
    bench) wanted+=("${bench_pkgs[@]}")
           command -v npm >/dev/null || wanted+=(npm) ;;
    *) echo "install-deps: unknown group '$g' (use build, test, run or bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
# De-duplicate while keeping order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run this script as root (or install sudo) to install them." >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Installing these packages enables their system services where systemd runs; the tests start
# their own throwaway instances and want nothing listening on the usual ports, so the services
# this script just brought in are stopped and disabled again.
if [ -d /run/systemd/system ]; then
  for p in "${missing[@]}"; do
    case "$p" in
      nginx-light) $sudo systemctl disable --now nginx >/dev/null 2>&1 || true ;;
      postgresql) $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true ;;
    esac
  done
fi
