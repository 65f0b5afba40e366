#!/usr/bin/env bash
# Installs, from Debian 12's packages, whatever telrisk needs that is not there yet.
# Safe to run again: it does nothing when everything is installed.
set -euo pipefail
packages=(
    build-essential cmake pkg-config
    openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools
    libgsl-dev libcmocka-dev libinih-dev libsodium-dev
    libdeflate-dev                       # HDF5's deflate filter, 2.3 times as fast (io/deflate.c)
    slurm-wlm munge
    python3 python3-h5py python3-pandas  # output.pandas: every table into pandas in one line
    python3-scipy                        # the Jeffreys test's oracle (scipy's beta)
    python3-matplotlib python3-jinja2    # telrisk report: the plots and the page (scripts/report/)
    chromium chromium-driver python3-selenium  # the report's browser test (headless)
    tzdata                               # run.timezone: the IANA zones
    valgrind
    clang libclang-rt-14-dev llvm  # scripts/fuzz.sh: libFuzzer and llvm-symbolizer
    r-base-core r-cran-proc  # model.auc_ci: DeLong intervals against pROC
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
