#!/usr/bin/python3
"""The loan ledger's bad lines change nothing but themselves (docs/credit.md section 1).

usage: ledger.py TELRISK CONFIG WORKDIR

Generates a small defect-free country, gives its loans the ledger's optional columns (empty:
their defaults) and a repayments table of good payments, and runs it as the reference. The
variant adds, to the loans, lines with installments 0, 2.5 and more than the term's days, a rate
of 10, a limit below what is drawn and origination PDs of 1.5, 0, -0.1 and "0.1x"; to the
repayments, one for an unknown loan, one for a loan whose line was rejected, a negative and a zero
amount, one paid the day before its loan was issued and one paid after the ledger's cut. Each bad line must be rejected with its reason and line; every group outside /provenance,
/rejects and the reconciliation's line counts must be identical to the reference's (the
subscribers, the portfolio, the models); the variant's /rejects and run file must be the same at
1, 2 and 3 ranks, from columnar inputs and in passes; and every file's lines = accepted +
rejected. Needs h5py (Debian's python3).
"""
import os
import shutil
import subprocess
import sys

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from one_record import COUNTRY, content, read_lines, rejects_of, rewrite, variant  # noqa: E402

problems = []


def run(telrisk, config, country, out, ranks, sets=(), want=0, command="run"):
    cmd = ["mpiexec", "-n", str(ranks), telrisk, command, "--config", config, "--quiet",
           "--set", "inputs.dir=" + country, "--set", "inputs.max_reject_rate=0.5"]
    cmd += ["--out", out] if command == "convert" else ["--set", "output.path=" + out]
    for x in sets:
        cmd += ["--set", x]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if p.returncode != want:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}, not {want}:\n{p.stderr}")
    return p.stderr


def check_columnar(telrisk, config, bad, work, csv_out):
    """Converted, the ledger gives the CSV run's file: the same rejects, the same groups."""
    cols = os.path.join(work, "bad_inputs.h5")
    run(telrisk, config, bad, cols, 2, command="convert")
    out = os.path.join(work, "bad_columnar.h5")
    run(telrisk, config, bad, out, 3, sets=["inputs.columnar=" + cols])
    if rejects_of(out)[0] != rejects_of(csv_out)[0]:
        problems.append("columnar: other rejects than the CSV run's")
    a, b = content(csv_out), content(out)
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if differ:
        problems.append(f"columnar: differs from the CSV run in {differ[:6]}")


def check_passes(telrisk, config, bad, work, one_pass):
    """A run in passes (each pass joins its own loans to every repayment; a repayment no pass
    claims is unknown_loan in the last) gives the run in one pass's rejects and groups."""
    out = os.path.join(work, "passes.h5")
    run(telrisk, config, bad, out, 2, sets=["partition.max_memory_per_rank=300200000"])
    with h5py.File(out, "r") as f:
        passes = int(f["provenance"].attrs["passes"])
    if passes < 2:
        problems.append(f"passes: the run made {passes} pass, not several")
    if rejects_of(out)[0] != rejects_of(one_pass)[0]:
        problems.append("passes: other rejects than the run in one pass")
    lines_add_up(out, "passes")
    a, b = content(one_pass), content(out)
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if differ:
        problems.append(f"passes: differs from the run in one pass in {differ[:6]}")


def ledger_country(country, work):
    """The country with the ledger's columns on its loans and a repayment on most of them."""
    d = variant(country, work, "ledger")
    path = os.path.join(d, "loans.csv")
    lines = read_lines(path)
    if "installments" not in lines[0].rstrip("\n").split(","):  # a country without a ledger
        lines = [lines[0].rstrip("\n") + ",installments,rate,limit\n"] + \
                [ln.rstrip("\n") + ",,,\n" for ln in lines[1:]]
        rewrite(path, lines)
    head = lines[0].rstrip("\n").split(",")
    at = {c: head.index(c) for c in ("loan_id", "issued", "amount")}
    pays = ["loan_id,timestamp,amount\n"]
    for ln in lines[1:]:
        f = ln.rstrip("\n").split(",")
        pays.append(f"{f[at['loan_id']]},{f[at['issued']]} 12:00:00,{float(f[at['amount']]) / 4:.2f}\n")
    with open(os.path.join(d, "repayments.csv"), "w") as out:
        out.writelines(pays)
    return d, head


def bad_lines(head, loan):
    """The bad loans' lines (each a copy of a good loan, under a new id, with one field spoilt)
    and the bad repayments', each with its reason."""
    f = loan.rstrip("\n").split(",")
    names = head if "installments" in head else head + ["installments", "rate", "limit"]
    col = {c: k for k, c in enumerate(names)}

    def spoilt(loan_id, **kv):
        g = list(f)
        g[col["loan_id"]] = loan_id
        for k, v in kv.items():
            g[col[k]] = v
        return ",".join(g) + "\n"
    issued = f[col["issued"]]
    y, m, d = (int(x) for x in issued.split("-"))
    day_before = f"{y:04d}-{m:02d}-{d - 1:02d}" if d > 1 else f"{y - 1:04d}-12-28"
    loans = [(spoilt("BADL1", installments="0"), "bad_schedule"),
             (spoilt("BADL2", installments="2.5"), "bad_schedule"),
             (spoilt("BADL3", installments="100000"), "bad_schedule"),
             (spoilt("BADL4", rate="10"), "bad_value"),
             (spoilt("BADL5", product="revolving", outstanding="10", limit="9.99"),
              "inconsistent_fields")]
    if "origination_pd" in col:  # IFRS 9's: a PD strictly between 0 and 1, as pd's
        loans += [(spoilt("BADL6", origination_pd="1.5"), "bad_value"),
                  (spoilt("BADL7", origination_pd="0"), "bad_value"),
                  (spoilt("BADL8", origination_pd="-0.1"), "negative_value"),
                  (spoilt("BADL9", origination_pd="0.1x"), "bad_number")]
    good = f[col["loan_id"]]
    pays = [(f"NOSUCHLOAN,{issued} 12:00:00,5.00\n", "unknown_loan"),
            (f"BADL1,{issued} 12:00:00,5.00\n", "unknown_loan"),
            (f"{good},{issued} 12:00:00,-5.00\n", "negative_value"),
            (f"{good},{issued} 12:00:00,0\n", "bad_value"),
            (f"{good},{day_before} 23:59:59,5.00\n", "before_issue"),
            # after the last day the ledger covers (the config's credit.ledger_cut)
            (f"{good},2099-01-01 00:00:00,5.00\n", "after_cut")]
    return loans, pays


def lines_add_up(path, what):
    with h5py.File(path, "r") as f:
        for row in f["provenance/inputs"][:]:
            if row["lines"] != row["accepted"] + row["rejected"]:
                problems.append(f"{what}: {row['path'].decode()} lines != accepted + rejected")


def accepted_of(path, table):
    with h5py.File(path, "r") as f:
        return sum(int(r["accepted"]) for r in f["provenance/inputs"][:]
                   if r["table"].decode() == table)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    telrisk, config, work = (os.path.abspath(a) for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    country = os.path.join(work, "country")
    gen = ["mpiexec", "-n", "2", telrisk, "generate", "--config", config, "--out", country,
           "--quiet"] + [a for s in COUNTRY for a in ("--set", s)]
    subprocess.run(gen, check=True, capture_output=True)
    good, head = ledger_country(country, work)
    ref = os.path.join(work, "reference.h5")
    run(telrisk, config, good, ref, 2)
    if rejects_of(ref)[0]:
        problems.append(f"the reference: rejects {rejects_of(ref)[0][:5]}")
    n_pays = len(read_lines(os.path.join(good, "repayments.csv"))) - 1
    if accepted_of(ref, "repayments") != n_pays:
        problems.append(f"the reference: {accepted_of(ref, 'repayments')} of {n_pays} repaid")
    bad = variant(good, work, "bad")
    loans_path, pays_path = os.path.join(bad, "loans.csv"), os.path.join(bad, "repayments.csv")
    loans, pays = read_lines(loans_path), read_lines(pays_path)
    bad_loans, bad_pays = bad_lines(head, loans[1])
    rewrite(loans_path, loans + [ln for ln, _ in bad_loans])
    rewrite(pays_path, pays + [ln for ln, _ in bad_pays])
    want = sorted([(loans_path, len(loans) + 1 + k, why) for k, (_, why) in enumerate(bad_loans)] +
                  [(pays_path, len(pays) + 1 + k, why) for k, (_, why) in enumerate(bad_pays)])
    outs = {}
    for ranks in (1, 2, 3):
        outs[ranks] = os.path.join(work, f"bad_np{ranks}.h5")
        run(telrisk, config, bad, outs[ranks], ranks)
        got = rejects_of(outs[ranks])[0]
        if got != want:
            problems.append(f"{ranks} ranks: rejects {got}, want {want}")
        lines_add_up(outs[ranks], f"{ranks} ranks")
        if accepted_of(outs[ranks], "repayments") != n_pays:
            problems.append(f"{ranks} ranks: the good repayments are not all accepted")
    check_columnar(telrisk, config, bad, work, outs[2])
    check_passes(telrisk, config, bad, work, outs[2])
    a = content(ref)
    for ranks, out in outs.items():
        b = content(out)
        differ = sorted(k for k in set(a) | set(b)
                        if a.get(k) != b.get(k) and k != "crosschecks/summary")
        if differ:
            problems.append(f"{ranks} ranks: differs from the reference in {differ[:6]}")
    for p in problems:
        print("FAIL: " + p)
    print(f"ledger: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
