# Sourced by the job scripts: which telrisk to run, and a config key's effective value.
# TELRISK: the telrisk binary (default: telrisk on PATH, else the checkout's build/telrisk).
if [ -z "${TELRISK:-}" ]; then
    if command -v telrisk >/dev/null; then
        TELRISK=telrisk
    else
        TELRISK="${SLURM_SUBMIT_DIR:-$PWD}/build/telrisk"
    fi
fi
# srun launches Open MPI programs through PMIx.
SRUN=(srun --mpi=pmix)

# The effective value of SECTION.KEY in a config (defaults included), as telrisk reads it.
config_value() { # CONFIG SECTION KEY
    "$TELRISK" config --config "$1" --quiet |
        awk -v section="[$2]" -v key="$3" '/^\[/ { in_section = ($0 == section); next }
            in_section && $1 == key && $2 == "=" { sub(/^[^=]*= ?/, ""); print; exit }'
}
