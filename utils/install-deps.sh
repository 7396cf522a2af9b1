#!/usr/bin/env bash
# Installs the system packages moda builds and tests with. Idempotent: a package
# already present is not touched, so re-running it on a set-up machine is instant.
set -euo pipefail

PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools  # MLIR/LLVM 22, mlir-tblgen, FileCheck, lit
  cmake ninja-build g++ python3                            # build and test drivers
  libgtest-dev python3-pytest python3-numpy                # runtime unit tests, Python tests
  nlohmann-json3-dev                                       # the runtime's manifest reader (header-only JSON)
  clang-22 libclang-rt-22-dev                              # utils/run-fuzz.sh: libFuzzer, ASan, UBSan
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
