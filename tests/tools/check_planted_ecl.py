#!/usr/bin/python3
"""The run's IFRS 9 expected credit loss of the performing book (stages 1 and 2 of /ifrs9/loans)
against the planted truth's expected loss of the same loans (docs/credit.md section 6, "Planted
truth"). The truth is computed here from the generator's planted parameters alone (truth/loans.csv
and the loans' schedules in loans.csv), as docs/generator.md describes them: a loan defaults with
its planted issue PD q; a defaulter's first missed installment is K, P(K <= k) = (k/n)^(1/1.5);
it pays the installments before K on time, a quarter of installment K on average, and defaults
90 days after K's due day; its loss is the planted LGD times what it then owes. Given what the ledger shows at the reporting
date T (the installments the loan has paid in full: /ledger/loans installments_paid, itself
recomputed from the inputs by check_ledger.py), the expected loss of the defaults in the 365 days
from T (12-month) and of all later ones (lifetime), each shortfall discounted from its
installment's due day at the loan's rate, as IFRS 9 discounts.

usage: check_planted_ecl.py DATA_DIR RUN.h5 [--seed N | --key-file FILE] [--tolerance 0.10]

Prints the run's and the truth's 12-month and lifetime ECL, nationally and per product, and the
booked ECL (12-month in stage 1, lifetime in stage 2) against the truth's over the same stages.
Exit 0 when the run's 12-month ECL of the performing book is within the tolerance of the truth's,
1 otherwise.

Needs numpy and h5py (Debian's python3-h5py, hence /usr/bin/python3)."""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ledger  # noqa: E402

SKEW = 1.5  # docs/generator.md: the first missed installment's skew
DPD = 90  # the generator's lender declares a default 90 days past due


def planted(loan, truth, T, paid):
    """(12-month, lifetime) expected loss of one loan open at T that has paid its first `paid`
    installments in full (its ledger at T), in currency units."""
    n, amount = int(loan["installments"] or 1), check_ledger.cents_of(loan["amount"].encode())
    issued, due = check_ledger.day_of(loan["issued"].encode()), check_ledger.day_of(loan["due"].encode())
    q, lgd, rate = float(truth["issue_pd"]), float(truth["lgd"]), float(loan["rate"] or 0)
    sched = check_ledger.schedule(issued, due, n, amount)
    cdf = lambda k: (k / n) ** (1 / SKEW)  # noqa: E731
    year = life = later = 0.0
    for k, (u, a, cum) in enumerate(sched, start=1):
        if k <= paid:  # paid: it was not the one missed
            continue
        p = cdf(k) - cdf(k - 1)
        later += p
        ead = (amount - (cum - a) - 0.25 * a) / 100
        loss = p * lgd * ead * (1 + rate) ** (-max(0, u - T) / 365)
        life += loss
        if u + DPD < T + 365:
            year += loss
    survive = 1 - q + q * later
    return (q * year / survive, q * life / survive) if survive > 0 else (0.0, 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--key-file")
    ap.add_argument("--tolerance", type=float, default=0.10)
    a = ap.parse_args()
    import h5py
    run = h5py.File(a.run, "r")
    T = check_ledger.day_attr(run["ledger"].attrs["observation_day"])
    key_of = check_ledger.key_function(a.seed, a.key_file)
    with open(os.path.join(a.data, "loans.csv"), newline="") as f:
        loans = {r["loan_id"]: r for r in csv.DictReader(f)}
    with open(os.path.join(a.data, "truth", "loans.csv"), newline="") as f:
        truth = {key_of(r["loan_id"].encode()): r for r in csv.DictReader(f)}
    by_key = {key_of(i.encode()): r for i, r in loans.items()}
    rows = run["ifrs9/loans"][:]
    ledger = run["ledger/loans"][:]
    paid = {int(k): int(n) for k, n in zip(ledger["loan"], ledger["installments_paid"])}
    sums = {}
    missing = 0
    for r in rows:
        if r["stage"] == 3 or r["pd"] != r["pd"]:
            continue
        k = int(r["loan"])
        t, l = truth.get(k), by_key.get(k)
        if t is None or l is None or t["open_at_observation"] != "1":
            missing += 1
            continue
        year, life = planted(l, t, T, paid[k])
        booked_truth = year if r["stage"] == 1 else life
        for g in ("all", check_ledger.text(r["product"])):
            s = sums.setdefault(g, [0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
            s[0] += 1
            s[1] += float(r["ecl_12m"]); s[2] += year
            s[3] += float(r["ecl_lifetime"]); s[4] += life
            s[5] += float(r["ecl"]); s[6] += booked_truth
    print(f"check_planted_ecl: {a.run}: performing loans with a PD; {missing} not open in the truth at T")
    print(f"{'book':10} {'loans':>7} {'ECL 12m':>12} {'truth':>12} {'ratio':>6}  {'lifetime':>12} "
          f"{'truth':>12} {'ratio':>6}  {'booked':>12} {'truth':>12} {'ratio':>6}")
    for g, s in sorted(sums.items(), key=lambda x: x[0] != "all"):
        ratio = lambda x, y: x / y if y else float("nan")  # noqa: E731
        print(f"{g:10} {s[0]:7d} {s[1]:12.2f} {s[2]:12.2f} {ratio(s[1], s[2]):6.3f}  {s[3]:12.2f} {s[4]:12.2f} "
              f"{ratio(s[3], s[4]):6.3f}  {s[5]:12.2f} {s[6]:12.2f} {ratio(s[5], s[6]):6.3f}")
    s = sums.get("all")
    if not s or not s[2]:
        print("check_planted_ecl: no performing loan with a PD")
        return 1
    ok = abs(s[1] / s[2] - 1) <= a.tolerance
    print(f"check_planted_ecl: the 12-month ECL is {s[1] / s[2]:.3f} times the truth's: "
          f"{'within' if ok else 'OUTSIDE'} {a.tolerance:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
