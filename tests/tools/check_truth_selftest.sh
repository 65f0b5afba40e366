#!/usr/bin/env bash
# Proves that tests/tools/check_truth.py passes a clean generated sample and catches errors.
#
# Usage: check_truth_selftest.sh TELRISK_BINARY
#
# 1. generates a small sample (3,000 subscribers, raised defect and fraud rates) and checks it:
#    the checker must pass;
# 2. corrupts copies and checks each: the checker must fail, and fail in the check that the
#    corruption breaks (that check reports more mismatches than on the clean sample):
#    (a) cdr.csv without one line that truth/defects.csv lists as a duplicate   -> check 2
#    (b) one digit of a balance changed in a non-defective mobilemoney line       -> check 4
#    (c) truth/defects.csv without one of its rows (a malformed one)             -> check 1
# Exit 0 only if the clean run passes and all three corruptions are detected.
set -u

bin=${1:?usage: check_truth_selftest.sh TELRISK_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
checker="$here/check_truth.py"
py=${PYTHON3:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/check_truth_selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT

rates=(--set generate.subscribers=3000
       --set generate.malformed_rate=0.005 --set generate.duplicate_rate=0.005
       --set generate.ledger_break_rate=0.02 --set generate.unknown_antenna_rate=0.002
       --set generate.simbox_rate=0.005 --set generate.takeover_rate=0.005
       --set generate.far_payment_rate=0.005 --set generate.burst_rate=0.005
       --set generate.dormant_rate=0.005)

if ! "$bin" generate --config /dev/null --out "$work/clean" "${rates[@]}" >"$work/gen.log" 2>&1; then
    echo "selftest: telrisk generate failed:" >&2
    cat "$work/gen.log" >&2
    exit 1
fi

status=0

echo "== clean sample"
"$py" "$checker" "$work/clean" >"$work/clean.out" 2>&1
rc=$?
cat "$work/clean.out"
if [ "$rc" -ne 0 ]; then
    echo "selftest: FAIL: the checker rejects the clean sample (exit $rc)"
    status=1
fi

# copy of the clean sample under $work/$1 (hard links would share edits: copy for real)
copy() { cp -r "$work/clean" "$work/$1"; }

# Mismatches the checker reports for check number $2 in output file $1 (0 when it is ok).
mismatches() {
    local n
    n=$(grep -m1 "^FAIL  $2\. " "$1" | sed -n 's/.*: \([0-9][0-9]*\) mismatch(es)$/\1/p')
    echo "${n:-0}"
}

# The corrupted copy must make the checker fail, with more mismatches in the given check than
# the clean sample has (so a check that already fails on the clean sample still proves it).
expect_caught() {
    local name=$1 check=$2 out="$work/$1.out"
    "$py" "$checker" "$work/$name" >"$out" 2>&1
    local rc=$?
    local before after
    before=$(mismatches "$work/clean.out" "$check")
    after=$(mismatches "$out" "$check")
    if [ "$rc" -eq 1 ] && [ "$after" -gt "$before" ]; then
        echo "selftest: ok: corruption ($name) caught by check $check ($before -> $after mismatches):"
        grep -A3 "^FAIL  $check\. " "$out" | head -4 | sed 's/^/    /'
    else
        echo "selftest: FAIL: corruption ($name) not caught by check $check (exit $rc," \
             "$before -> $after mismatches):"
        sed 's/^/    /' "$out" | head -40
        status=1
    fi
}

# (a) drop one duplicate line from cdr.csv
copy dup_deleted
"$py" - "$work/dup_deleted" <<'EOF' || status=1
import sys
d = sys.argv[1]
rows = [l.split(b",") for l in open(d + "/truth/defects.csv", "rb").read().split(b"\n")[1:] if l]
lines = sorted(int(r[1]) for r in rows if r[0] == b"cdr" and r[2] == b"duplicate")
if not lines:
    sys.exit("selftest: the sample has no cdr duplicate to delete")
victim = lines[len(lines) // 2]
data = open(d + "/cdr.csv", "rb").read().split(b"\n")
print("(a) deleting cdr.csv line %d: %r" % (victim, data[victim - 1][:90]))
del data[victim - 1]
open(d + "/cdr.csv", "wb").write(b"\n".join(data))
EOF
expect_caught dup_deleted 2

# (b) change one digit of a balance in a mobilemoney line that no truth row mentions
copy balance_changed
"$py" - "$work/balance_changed" <<'EOF' || status=1
import sys
d = sys.argv[1]
rows = [l.split(b",") for l in open(d + "/truth/defects.csv", "rb").read().split(b"\n")[1:] if l]
flagged = {int(r[1]) for r in rows if r[0] == b"mobilemoney"}
data = open(d + "/mobilemoney.csv", "rb").read().split(b"\n")
head = data[0].split(b",")
col = head.index(b"sender_balance_after")
for n in range(len(data) // 2, len(data)):
    ln = n + 1
    f = data[n].split(b",")
    # the line, its neighbours and any copy of it are free of planted defects
    if ln < 3 or {ln - 1, ln, ln + 1} & flagged or len(f) != len(head) or not f[col]:
        continue
    if data.count(data[n]) != 1:
        continue
    v = f[col]
    last = v[-1:]
    f[col] = v[:-1] + (b"7" if last != b"7" else b"3")
    print("(b) mobilemoney.csv line %d: sender_balance_after %s -> %s" % (ln, v.decode(), f[col].decode()))
    data[n] = b",".join(f)
    break
else:
    sys.exit("selftest: no suitable mobilemoney line")
open(d + "/mobilemoney.csv", "wb").write(b"\n".join(data))
EOF
expect_caught balance_changed 4

# (c) remove one row (a malformed one) from truth/defects.csv
copy defect_row_removed
"$py" - "$work/defect_row_removed" <<'EOF' || status=1
import sys
d = sys.argv[1]
data = open(d + "/truth/defects.csv", "rb").read().split(b"\n")
rows = [k for k in range(1, len(data)) if data[k].split(b",")[2:3] == [b"malformed"]]
if not rows:
    sys.exit("selftest: truth/defects.csv has no malformed row")
k = rows[len(rows) // 2]
print("(c) removing truth/defects.csv row %d: %s" % (k + 1, data[k].decode()))
del data[k]
open(d + "/truth/defects.csv", "wb").write(b"\n".join(data))
EOF
expect_caught defect_row_removed 1

if [ "$status" -eq 0 ]; then
    echo "selftest: PASS: clean sample accepted, all three corruptions caught"
else
    echo "selftest: FAILED"
fi
exit "$status"
