#!/usr/bin/python3
"""Checks a run file's loan ledger (/ledger/loans, /ledger/obligors, /ledger/cohorts,
/subscribers/label) against the loans and repayments recomputed here from the input CSV files
alone, day by day, with the definitions of docs/credit.md sections 1-4 (the schedule, default, the
12-month PD's population and label, judged at T and at every yearly cohort's day T - 365 k).
Independent of telrisk's C code: it shares only the documents and the run file.

usage: check_ledger.py DATA_DIR RUN.h5 [--seed N | --key-file FILE]
       check_ledger.py --selftest

The settings (T, C, H, A, D, the materialities, P, the label rule) are the attributes of /ledger.
The lines the run rejected are those of /rejects; byte-identical repeats of a line are kept once.
Exit 0 when everything agrees, 1 when something differs (the first mismatches are listed).

Needs numpy and h5py (Debian's python3-h5py, hence /usr/bin/python3)."""
import argparse
import datetime
import gzip
import hashlib
import os
import random
import re
import sys
from collections import Counter, defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_run import siphash24  # noqa: E402  (the Python SipHash-2-4, written from the paper)

# Statuses that are unlikeliness-to-pay events (docs/credit.md section 1).
UTP = ("default", "written_off", "restructured")
PRODUCTS = ("microloan", "revolving", "mortgage")
STATUSES = ("repaid", "default", "open", "written_off", "restructured")
TABLES = ("subscribers", "loans", "repayments")
EPOCH = datetime.date(1970, 1, 1).toordinal()
NUMBER = re.compile(rb"-?[0-9]+(\.[0-9]+)?\Z")
DATE = re.compile(rb"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
STAMP = re.compile(rb"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})\Z")
GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"

# The run's settings, as /ledger's attributes give them (docs/credit.md section 2).
Settings = namedtuple("Settings", "T C H A D mat_abs mat_rel P rule")
COHORTS = 8  # the yearly cohorts k = 0..7 of /ledger/cohorts (docs/credit.md section 4)
COHORT_STEP = 365  # days between cohorts; a used cohort has this much ledger before it


class Unreadable(ValueError):
    """A line the oracle cannot read as a record (the run should have rejected it)."""


# ---------------------------------------------------------------------------------------------
# Text to values: days, seconds and cents, exactly.

def day_of(text):
    """Days since 1970-01-01 of a YYYY-MM-DD date (a real calendar date)."""
    m = DATE.match(text)
    if not m:
        raise Unreadable(f"bad date {text!r}")
    try:
        return datetime.date(*map(int, m.groups())).toordinal() - EPOCH
    except ValueError:
        raise Unreadable(f"bad date {text!r}") from None


def seconds_of(text):
    """Seconds since 1970 (UTC) of a 'YYYY-MM-DD HH:MM:SS' timestamp."""
    m = STAMP.match(text)
    if not m:
        raise Unreadable(f"bad timestamp {text!r}")
    y, mo, d, hh, mm, ss = map(int, m.groups())
    if hh > 23 or mm > 59 or ss > 59:
        raise Unreadable(f"bad timestamp {text!r}")
    return day_of(text[:10]) * 86400 + hh * 3600 + mm * 60 + ss


def cents_of(text):
    """Money text to integer cents, parsed as a decimal (further decimals rounded half away from
    zero, docs/formats.md): never through a binary float."""
    if not NUMBER.match(text):
        raise Unreadable(f"bad number {text!r}")
    return int(Decimal(text.decode()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def installments_of(text):
    """The optional `installments` column: empty is 1 (a bullet loan); `2.0` is 2."""
    if text == b"":
        return 1
    if not NUMBER.match(text):
        raise Unreadable(f"bad installments {text!r}")
    v = Decimal(text.decode())
    if v != v.to_integral_value() or v < 1:
        raise Unreadable(f"bad installments {text!r}")
    return int(v)


def is_id(text):
    """Whether an id field is one: not empty, no space or tab at either end."""
    return text != b"" and text.strip(b" \t") == text


# ---------------------------------------------------------------------------------------------
# The schedule and a loan's state on a day, straight from the definitions.

def schedule(issued, due, n, amount):
    """[(u_k, a_k, cum_k)] for k = 1..n: installment k falls due at the end of day
    issued + floor(k (due - issued) / n), each floor(amount / n) cents, the last the rest."""
    part = amount // n
    rows, cum = [], 0
    for k in range(1, n + 1):
        a = part if k < n else amount - part * (n - 1)
        cum += a
        rows.append((issued + (k * (due - issued)) // n, a, cum))
    return rows


class Loan:
    """One accepted loan with its schedule and its repayments [(day, cents)] up to the cut."""

    def __init__(self, sub, key, product, status, issued, due, n, amount, order, where):
        self.sub, self.key, self.product, self.status = sub, key, product, status
        self.issued, self.due, self.n, self.amount = issued, due, n, amount
        self.order, self.where = order, where  # (file, line): input order; "file:line" for messages
        self.sched = schedule(issued, due, n, amount)
        self.reps = []

    def paid_before(self, d):
        """P(d): cents repaid on days before d."""
        return sum(c for day, c in self.reps if day < d)


def loan_state(loan, d):
    """(O, R, DPD) of a loan at the start of day d, as docs/credit.md section 2 defines them."""
    p = loan.paid_before(d)
    o = max(0, loan.amount - p) if loan.issued < d else 0
    r = max(0, sum(a for u, a, _ in loan.sched if u < d) - p)
    dpd = 0
    for u, _, cum in loan.sched:
        if cum > p:  # the oldest installment not paid in full
            dpd = d - u if u < d else 0
            break
    return o, r, dpd


def position(loan, T):
    """A loan's position at T (the columns of /ledger/loans)."""
    o, r, dpd = loan_state(loan, T)
    p = loan.paid_before(T)
    return {"outstanding": o, "arrears": r, "dpd": dpd,
            "installments_due": sum(1 for u, _, _ in loan.sched if u < T),
            "installments_paid": sum(1 for _, _, cum in loan.sched if cum <= p)}


# ---------------------------------------------------------------------------------------------
# An obligor's days: E(d), R(d), c(d) and every loan's DPD(d) for d in [d0, dend].

def day_span(loans, s):
    """The loans that take part (issued by C), the first day d0 (the first issue) and the last
    day dend (the day after the cut, or T if that is later)."""
    part = [l for l in loans if l.issued <= s.C]
    d0 = min((l.issued for l in part), default=s.C + 1)
    return part, d0, max(s.C + 1, s.T)


def is_material(r, e, s):
    """Whether arrears r are material against exposure e (cents), compared as doubles."""
    return float(r) > s.mat_abs * 100.0 and float(r) > s.mat_rel * float(e)


def series_slow(loans, s):
    """The obligor's days in plain loops, one day at a time (the reference the fast version is
    tested against in --selftest; too slow for a whole book)."""
    part, d0, dend = day_span(loans, s)
    E, R, c, dpd = [], [], [], [[] for _ in part]
    prev = 0
    for d in range(d0, dend + 1):
        states = [loan_state(l, d) for l in part]
        e, r = sum(x[0] for x in states), sum(x[1] for x in states)
        prev = prev + 1 if is_material(r, e, s) else 0
        E.append(e), R.append(r), c.append(prev)
        for j, x in enumerate(states):
            dpd[j].append(x[2])
    return part, d0, np.array(E, np.int64), np.array(R, np.int64), np.array(c, np.int64), \
        [np.array(x, np.int64) for x in dpd]


def series(loans, s):
    """The same as series_slow, each loan's days at once with numpy: P(d), the installments due
    before d and the oldest unpaid installment are counts of sorted days below d."""
    part, d0, dend = day_span(loans, s)
    days = np.arange(d0, dend + 1, dtype=np.int64)
    E = np.zeros(len(days), np.int64)
    R = np.zeros(len(days), np.int64)
    dpds = []
    for l in part:
        u = np.array([x[0] for x in l.sched], np.int64)
        cum = np.array([x[2] for x in l.sched], np.int64)
        rep_day = np.array([x[0] for x in l.reps], np.int64)  # sorted by day
        rep_cum = np.concatenate(([0], np.cumsum([x[1] for x in l.reps], dtype=np.int64)))
        p = rep_cum[np.searchsorted(rep_day, days, side="left")]  # repaid on days < d
        fallen = np.concatenate(([0], cum))[np.searchsorted(u, days, side="left")]  # u_k < d
        E += np.where(days > l.issued, np.maximum(0, l.amount - p), 0)
        R += np.maximum(0, fallen - p)
        first = np.searchsorted(cum, p, side="right")  # first k with cum_k > P(d); n: all paid
        u_first = np.concatenate((u, [np.iinfo(np.int64).max]))[first]
        dpds.append(np.where(u_first < days, days - u_first, 0))
    Rf = R.astype(np.float64)
    material = (Rf > s.mat_abs * 100.0) & (Rf > s.mat_rel * E.astype(np.float64))
    j = np.arange(len(days), dtype=np.int64)
    last_quiet = np.maximum.accumulate(np.where(material, -1, j))  # last non-material day so far
    return part, d0, E, R, j - last_quiet, dpds


# ---------------------------------------------------------------------------------------------
# Triggers, default, population and label from an obligor's days.

def cohort_day(s, k):
    """T_k = T - 365 k, the day of yearly cohort k (docs/credit.md section 4)."""
    return s.T - COHORT_STEP * k


def trigger_days(part, d0, c, s):
    """The obligor's trigger days, ascending: c(d) >= D on a day of d0 .. C + 1, and C + 1 itself
    when a loan issued by C carries an unlikeliness-to-pay status."""
    covered = s.C + 2 - d0  # the days d0 .. C + 1, the only days with triggers
    triggers = [d0 + int(j) for j in np.flatnonzero(c[:covered] >= s.D)]
    if any(l.status in UTP for l in part) and (not triggers or triggers[-1] != s.C + 1):
        triggers.append(s.C + 1)
    return triggers


def standing(loans, d0, E, triggers, s, day):
    """The obligor judged at `day` as section 3 judges them at T, so that every cohort's day
    T_k uses the very same definitions and day series: (in default, E(day), population, outcome
    known, first trigger in (day, day + H] or -1)."""
    in_default = any(day - s.P <= t <= day for t in triggers)
    j = day - d0
    exposure = int(E[j]) if 0 <= j < len(E) else 0  # before the first issue nothing is lent
    if in_default:
        population = "in_default"
    elif exposure > 0:
        population = "exposure"
    elif any(day <= l.issued < day + s.A for l in loans):
        population = "application"
    else:
        population = "none"
    first = next((t for t in triggers if day < t <= day + s.H), -1)
    return in_default, exposure, population, day + s.H <= s.C + 1, first


def cohort_bits(loans, d0, E, triggers, s):
    """[(member, defaulted)] for cohorts k = 0..COHORTS-1: in the population at T_k with a known
    outcome, and a trigger in (T_k, T_k + H]."""
    out = []
    for k in range(COHORTS):
        _, _, population, known, first = standing(loans, d0, E, triggers, s, cohort_day(s, k))
        member = population in ("exposure", "application") and known
        out.append((int(member), int(member and first >= 0)))
    return tuple(out)


def judge(loans, s, days_of=series):
    """The obligor's /ledger/obligors row (money in cents, with its `cohorts` bits) and each
    loan's default day, in the order of `loans`."""
    part, d0, E, R, c, dpds = days_of(loans, s)
    covered = s.C + 2 - d0
    hot = c[:covered] >= s.D
    triggers = trigger_days(part, d0, c, s)
    loan_default = {}
    for l, dpd in zip(part, dpds):
        days = [d0 + int(j) for j in np.flatnonzero(hot & (dpd[:covered] >= s.D))[:1]]
        if l.status in UTP:
            days.append(s.C + 1)
        loan_default[id(l)] = min(days, default=-1)
    in_default, exposure, population, known, first = standing(loans, d0, E, triggers, s, s.T)
    label, default_day = -1, -1
    if population in ("exposure", "application") and known:
        label, default_day = (1, first) if first >= 0 else (0, -1)
    row = {"loans": len(loans), "exposure": exposure, "arrears": sum(loan_state(l, s.T)[1] for l in part),
           "material_days": int(c[s.T - d0]) if 0 <= s.T - d0 < len(c) else 0, "in_default": int(in_default),
           "population": population, "default_day": default_day, "label": label,
           "cohorts": cohort_bits(loans, d0, E, triggers, s), "first_issue": d0 if part else None}
    return row, [loan_default.get(id(l), -1) for l in loans]


def expected_cohorts(obligors, s):
    """The oracle's /ledger/cohorts rows from the obligors' cohort bits: national counts, the
    rate a double (NaN for an empty cohort), and whether the cohort is used: with obligors, and
    its day less 365 on or after the ledger's first issue day (docs/credit.md section 4)."""
    first = min((r["first_issue"] for r in obligors.values() if r.get("first_issue") is not None),
                default=None)
    rows = []
    for k in range(COHORTS):
        n = sum(r["cohorts"][k][0] for r in obligors.values())
        d = sum(r["cohorts"][k][1] for r in obligors.values())
        day = cohort_day(s, k)
        rows.append({"cohort": k, "day": day, "obligors": n, "defaults": d,
                     "default_rate": d / n if n else float("nan"),
                     "used": int(n > 0 and first is not None and day - COHORT_STEP >= first)})
    return rows


# ---------------------------------------------------------------------------------------------
# The input files, their accepted lines (the run's /rejects and exact repeats left out).

def table_files(data_dir, table):
    """The files of a table in DATA_DIR, as docs/formats.md finds them: <table>.csv,
    <table>.csv.gz, or a folder <table>/ (or <table>.csv/) of *.csv and *.csv.gz in name order."""
    found = []
    for name in (table, f"{table}.csv", f"{table}.csv.gz"):
        path = os.path.join(data_dir, name)
        if os.path.isdir(path):
            found += [os.path.join(path, f) for f in sorted(os.listdir(path))
                      if not f.startswith((".", "_")) and f.endswith((".csv", ".csv.gz"))]
        elif os.path.isfile(path) and name != table:
            found.append(path)
    return found


def file_lines(path):
    """Every line of a file (line 1 the header), without its newline ("\\r\\n" read as "\\n"), a
    gzip file as its text, a leading UTF-8 BOM skipped."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == GZIP_MAGIC:
        data = gzip.decompress(data)
    if data.startswith(BOM):
        data = data[len(BOM):]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [x[:-1] if x.endswith(b"\r") else x for x in lines]


class Inputs:
    """The three tables' lines, split into accepted records, the run's rejects and exact
    repeats, with what the run's /provenance/inputs says of each file to compare."""

    def __init__(self, data_dir, run, report):
        self.report = report
        prov = run["provenance/inputs"][:]
        self.rejects = {}  # (row of /provenance/inputs, line) -> reason
        for r in run["rejects"][:]:
            self.rejects[(int(r["file"]), int(r["line"]))] = text(r["reason"])
        self.tables = {t: self.read_table(data_dir, t, prov) for t in TABLES}

    def read_table(self, data_dir, table, prov):
        """[(accepted: [(order, where, columns, fields)], rejected: [(reason, where, columns,
        fields)])] of a table: a line the run rejected is left out, and so is a byte-identical
        repeat of an earlier line (accepted or rejected; kept once, as docs/formats.md says)."""
        rows = [(i, r) for i, r in enumerate(prov) if text(r["table"]) == table]
        files = table_files(data_dir, table)
        if len(rows) != len(files):
            self.report.fail("inputs", f"{table}: {len(files)} files in {data_dir}, the run read {len(rows)}")
        accepted, rejected, seen, seen_rejected = [], [], set(), set()
        for fi, (path, (row, r)) in enumerate(zip(files, rows)):
            if os.path.basename(path) != os.path.basename(text(r["path"])):
                self.report.fail("inputs", f"{table}: file {path} where the run read {text(r['path'])}")
            lines = file_lines(path)
            if not lines:
                continue
            header = lines[0]
            columns = {name: k for k, name in reversed(list(enumerate(header.split(b","))))}
            dups = 0
            for n, raw in enumerate(lines[1:], start=2):
                where = f"{os.path.basename(path)}:{n}"
                reason = self.rejects.get((row, n))
                if reason is not None:
                    rejected.append((reason, where, columns, raw.split(b",")))
                    seen_rejected.add((header, raw))
                elif (header, raw) in seen or (header, raw) in seen_rejected:
                    dups += 1
                else:
                    seen.add((header, raw))
                    accepted.append(((fi, n), where, columns, raw.split(b",")))
            self.compare_counts(table, path, r, len(lines) - 1, dups, row)
        return accepted, rejected

    def compare_counts(self, table, path, r, lines, dups, row):
        """The file's lines, rejects and repeats as the run counted them."""
        rejected = sum(1 for (f, _) in self.rejects if f == row)
        for what, got, want in (("lines", int(r["lines"]), lines), ("rejected", int(r["rejected"]), rejected),
                                ("duplicates", int(r["duplicates"]), dups)):
            if got != want:
                self.report.fail("inputs", f"{table} {os.path.basename(path)} {what}: run {got}, oracle {want}")


def field(columns, fields, name):
    """A field by its column's name."""
    if len(fields) != len(columns_width(columns)):
        raise Unreadable("field count differs from the header's")
    return fields[columns[name]]


def columns_width(columns):
    """The header's field positions (a repeated extra column counts each time)."""
    return range(max(columns.values()) + 1)


def read_loan(columns, fields, key_of, order, where):
    """A Loan from an accepted loans line (Unreadable when it is none)."""
    f = lambda name: field(columns, fields, name)  # noqa: E731
    loan_id, sub = f(b"loan_id"), f(b"subscriber_id")
    product, status = f(b"product").decode(), f(b"status").decode()
    if not is_id(loan_id) or not is_id(sub) or product not in PRODUCTS or status not in STATUSES:
        raise Unreadable("bad id, product or status")
    issued, due = day_of(f(b"issued")), day_of(f(b"due"))
    n = installments_of(f(b"installments")) if b"installments" in columns else 1
    amount = cents_of(f(b"amount"))
    if due <= issued or n > due - issued or amount < 0:
        raise Unreadable("bad term, schedule or amount")
    loan = Loan(key_of(sub), key_of(loan_id), product, status, issued, due, n, amount, order, where)
    loan.loan_id = loan_id
    # The optional terms IFRS 9 reads (check_ifrs9.py): their text, empty when not given.
    loan.terms = {name: (f(name.encode()) if name.encode() in columns else b"")
                  for name in ("pd", "lgd", "rate", "limit", "origination_pd")}
    return loan


def read_repayment(columns, fields):
    """(loan_id, seconds, cents) of a repayments line."""
    f = lambda name: field(columns, fields, name)  # noqa: E731
    loan_id, t, cents = f(b"loan_id"), seconds_of(f(b"timestamp")), cents_of(f(b"amount"))
    if not is_id(loan_id) or cents <= 0:
        raise Unreadable("bad loan id or amount")
    return loan_id, t, cents


# ---------------------------------------------------------------------------------------------
# The book: registered subscribers, their loans and the loans' repayments.

def build_book(inputs, key_of, s, report):
    """{subscriber key: [Loan] in file order} for registered subscribers, every accepted
    line read; repayments joined by loan id and cross-checked against the run's repayment rejects
    (unknown_loan, before_issue, after_cut)."""
    registered = set()
    for _, where, columns, fields in inputs.tables["subscribers"][0]:
        try:
            sid = field(columns, fields, b"subscriber_id")
        except (Unreadable, KeyError):
            report.fail("inputs", f"subscribers {where}: accepted by the run, unreadable here")
            continue
        registered.add(key_of(sid))
    loans = {}
    for order, where, columns, fields in inputs.tables["loans"][0]:
        try:
            loan = read_loan(columns, fields, key_of, order, where)
        except (Unreadable, KeyError, UnicodeDecodeError) as e:
            report.fail("inputs", f"loans {where}: accepted by the run, unreadable here ({e})")
            continue
        if loan.loan_id in loans:
            report.fail("inputs", f"loans {where}: loan id also on {loans[loan.loan_id].where}, both accepted")
            continue
        loans[loan.loan_id] = loan
    join_repayments(inputs, loans, s, report)
    book = defaultdict(list)
    for loan in loans.values():
        loan.reps.sort()
        if loan.sub in registered:
            book[loan.sub].append(loan)
    for sub in book:
        book[sub].sort(key=lambda l: l.order)  # docs/credit.md: a borrower's loans in file order
    return dict(book), registered


def join_repayments(inputs, loans, s, report):
    """Each accepted repayment to its loan (days up to the cut C only: the ledger covers no
    later day); every accepted and rejected repayment judged against the join's rules."""
    accepted, rejected = inputs.tables["repayments"]
    for _, where, columns, fields in accepted:
        try:
            loan_id, t, cents = read_repayment(columns, fields)
        except (Unreadable, KeyError) as e:
            report.fail("inputs", f"repayments {where}: accepted by the run, unreadable here ({e})")
            continue
        loan = loans.get(loan_id)
        if loan is None or t < loan.issued * 86400:
            report.fail("repayment rejects", f"repayments {where}: accepted, but "
                        + ("no accepted loan has its id" if loan is None else "timed before its loan's issue"))
            continue
        if t // 86400 > s.C and s.rule == "ledger":
            report.fail("repayment rejects", f"repayments {where}: accepted, but dated after the cut")
        if t // 86400 <= s.C:
            loan.reps.append((t // 86400, cents))
    for reason, where, columns, fields in rejected:
        if reason not in ("unknown_loan", "before_issue", "after_cut"):
            continue
        try:
            loan_id, t, _ = read_repayment(columns, fields)
        except (Unreadable, KeyError) as e:
            report.fail("repayment rejects", f"repayments {where}: rejected as {reason}, unreadable here ({e})")
            continue
        loan = loans.get(loan_id)
        right = {"unknown_loan": loan is None,
                 "before_issue": loan is not None and t < loan.issued * 86400,
                 "after_cut": t // 86400 > s.C}[reason]
        if not right:
            report.fail("repayment rejects", f"repayments {where}: rejected as {reason}, which it is not")


# ---------------------------------------------------------------------------------------------
# The run file's side and the comparison.

def text(v):
    """A string member or attribute as str (fixed-length ones come back as bytes)."""
    return v.decode() if isinstance(v, bytes) else str(v)


class Report:
    """Mismatches by kind; the first ten are printed."""

    def __init__(self):
        self.kinds = Counter()
        self.first = []

    def fail(self, kind, message):
        self.kinds[kind] += 1
        if len(self.first) < 10:
            self.first.append(f"{kind}: {message}")


def day_attr(v):
    """A day attribute: days since 1970 (an integer), or a YYYY-MM-DD text should it be one."""
    return day_of(text(v).encode()) if isinstance(v, (bytes, str)) else int(v)


def settings_of(run):
    """The run's settings from /ledger's attributes."""
    a = run["ledger"].attrs
    return Settings(T=day_attr(a["observation_day"]), C=day_attr(a["ledger_cut"]), H=int(a["horizon_days"]),
                    A=int(a["application_days"]), D=int(a["default_dpd"]),
                    mat_abs=float(a["materiality_absolute"]), mat_rel=float(a["materiality_relative"]),
                    P=int(a["probation_days"]), rule=text(a["label_rule"]))


def same(got, want, money):
    """Ints and words exactly; money (currency from cents) to 1e-9."""
    if money:
        return abs(float(got) - want / 100) <= 1e-9 * max(1.0, abs(want / 100))
    return got == want


LOAN_FIELDS = {"product": False, "status": False, "issued": False, "due": False, "installments": False,
               "amount": True, "outstanding": True, "arrears": True, "dpd": False, "installments_due": False,
               "installments_paid": False, "default_day": False, "default_outstanding": True,
               "default_installment": False}
OBLIGOR_FIELDS = {"loans": False, "exposure": True, "arrears": True, "material_days": False,
                  "in_default": False, "population": False, "default_day": False, "label": False}


def rows_of(dataset):
    """A compound table as a list of {member: python value} (strings decoded)."""
    data = dataset[:]
    names = data.dtype.names
    out = []
    for r in data:
        out.append({n: text(r[n]) if isinstance(r[n], (bytes, str)) else r[n].item() for n in names})
    return out


def compare_table(report, kind, got_rows, want, fields, key_names, skip=()):
    """Row sets keyed by key_names, then every field of each row, then the order."""
    got = {tuple(r[k] for k in key_names): r for r in got_rows}
    if len(got) != len(got_rows):
        report.fail(kind, f"{len(got_rows) - len(got)} repeated keys in the run's table")
    for k in want.keys() - got.keys():
        report.fail(kind, f"row {fmt_key(k)} ({want[k].get('where', '')}) missing from the run")
    for k in got.keys() - want.keys():
        report.fail(kind, f"row {fmt_key(k)} in the run, not in the oracle's")
    for k in sorted(want.keys() & got.keys()):
        for name, money in fields.items():
            if name in skip:
                continue
            if name not in got[k]:
                report.fail(kind, f"the run's table has no member {name}")
                return
            if not same(got[k][name], want[k][name], money):
                w = want[k][name] / 100 if money else want[k][name]
                report.fail(kind, f"{fmt_key(k)} ({want[k].get('where', '')}) {name}: run {got[k][name]!r}, "
                                  f"oracle {w!r}")
    order = [tuple(r[k] for k in key_names) for r in got_rows]
    want_order = list(want.keys())
    if order != want_order and set(order) == set(want_order):
        i = next(i for i, (a, b) in enumerate(zip(order, want_order)) if a != b)
        report.fail(kind + " order", f"row {i}: run {fmt_key(order[i])}, oracle {fmt_key(want_order[i])}")


def fmt_key(k):
    """A row key as hex, the way to find it in the run file (no id is printed)."""
    return "/".join(f"{x:016x}" for x in k)


def at_default(loan, dd):
    """What the loan owed on its default day and the oldest installment it had not paid in full
    then (0 and 0 without a default)."""
    if dd < 0:
        return {"default_outstanding": 0, "default_installment": 0}
    p = loan.paid_before(dd)
    oldest = next((k for k, (_, _, cum) in enumerate(loan.sched, start=1) if cum > p), loan.n + 1)
    return {"default_outstanding": max(0, loan.amount - p), "default_installment": oldest}


def expected(book, s):
    """The oracle's /ledger/loans and /ledger/obligors rows, in the run's order (borrower key,
    then issue day and loan key), money in cents."""
    loans, obligors = {}, {}
    for sub in sorted(book):
        row, defaults = judge(book[sub], s)
        row["where"] = book[sub][0].where  # the obligor's first loan, to find them in the inputs
        obligors[(sub,)] = row
        for l, dd in sorted(zip(book[sub], defaults), key=lambda x: (x[0].issued, x[0].key)):
            r = {"product": l.product, "status": l.status, "issued": l.issued, "due": l.due,
                 "installments": l.n, "amount": l.amount, "default_day": dd, "where": l.where,
                 "terms": getattr(l, "terms", {})}
            r.update(at_default(l, dd))
            r.update(position(l, s.T))
            loans[(sub, l.key)] = r
    return loans, obligors


def compare_labels(report, run, obligors, registered, s):
    """/subscribers/label: the obligor's label, -1 for a registered subscriber without loans
    (ledger rule only); /subscribers/key: every registered subscriber."""
    keys = [int(k) for k in run["subscribers/key"][:]]
    if set(keys) != registered:
        report.fail("subscribers", f"{len(set(keys) - registered)} keys not registered, "
                                   f"{len(registered - set(keys))} registered not in the run")
    if s.rule != "ledger":
        return
    for key, label in zip(keys, run["subscribers/label"][:]):
        want = obligors[(key,)]["label"] if (key,) in obligors else -1
        if int(label) != want:
            report.fail("subscribers/label", f"{key:016x}: run {int(label)}, oracle {want}")


def same_rate(got, want):
    """A default rate: the same double, or both NaN (an empty cohort)."""
    return (np.isnan(got) and np.isnan(want)) or got == want


def compare_cohorts(report, run, want):
    """/ledger/cohorts against the oracle's rows: eight rows in cohort order, counts and days
    exactly, the rate as the same double d / n."""
    if "cohorts" not in run["ledger"]:
        report.fail("/ledger/cohorts", "missing from the run")
        return
    got = rows_of(run["ledger/cohorts"])
    if len(got) != len(want):
        report.fail("/ledger/cohorts", f"{len(got)} rows, oracle {len(want)}")
    for g, w in zip(got, want):
        for name, value in w.items():
            if name not in g:
                report.fail("/ledger/cohorts", f"the run's table has no member {name}")
                return
            ok = same_rate(g[name], value) if name == "default_rate" else g[name] == value
            if not ok:
                report.fail("/ledger/cohorts", f"cohort {w['cohort']} (day {w['day']}) {name}: "
                                               f"run {g[name]!r}, oracle {value!r}")


def compare_regions(report, run):
    """/ledger/obligors `region`, when the run writes it: the subscriber's /subscribers/region."""
    obligors = run["ledger/obligors"]
    if "region" not in (obligors.dtype.names or ()):
        print("check_ledger: /ledger/obligors has no region member (not checked)")
        return
    region = dict(zip((int(k) for k in run["subscribers/key"][:]), (int(r) for r in run["subscribers/region"][:])))
    for r in obligors[:]:
        key = int(r["subscriber"])
        if region.get(key) != int(r["region"]):
            report.fail("/ledger/obligors region", f"{key:016x}: run {int(r['region'])}, "
                                                   f"/subscribers/region {region.get(key)}")


def check_observation_day(report, run, s):
    """T against /subscribers' observation_date, when the file has it."""
    date = run["subscribers"].attrs.get("observation_date")
    if date is not None and day_of(text(date).encode()) != s.T:
        report.fail("settings", f"observation_day {s.T}, /subscribers observation_date {text(date)}")


def summary(loans, obligors, s):
    """One line of counts of the oracle's ledger."""
    pop = Counter(r["population"] for r in obligors.values())
    lab = Counter(r["label"] for r in obligors.values())
    return (f"T {s.T} C {s.C} rule {s.rule}: {len(loans)} loans ({sum(1 for r in loans.values() if r['default_day'] >= 0)}"
            f" with a default day), {len(obligors)} obligors ({sum(r['in_default'] for r in obligors.values())}"
            f" in default at T); population " + ", ".join(f"{p} {pop[p]}" for p in
                                                       ("exposure", "application", "in_default", "none"))
            + f"; labels 1: {lab[1]}, 0: {lab[0]}, -1: {lab[-1]}")


def compare_counts_attrs(report, run, obligors, s):
    """/ledger's counts (docs/output.md: obligors_<population>, obligors_labelled,
    obligors_defaulted, the last two for the ledger's label only) against the oracle's."""
    rows = obligors.values()
    want = {f"obligors_{p}": sum(1 for r in rows if r["population"] == p)
            for p in ("none", "exposure", "application", "in_default")}
    if s.rule == "ledger":
        want["obligors_labelled"] = sum(1 for r in rows if r["label"] >= 0)
        want["obligors_defaulted"] = sum(1 for r in rows if r["label"] == 1)
    attrs = run["ledger"].attrs
    for name, count in want.items():
        if name not in attrs:
            report.fail("ledger attributes", f"{name} missing (oracle {count})")
        elif int(attrs[name]) != count:
            report.fail("ledger attributes", f"{name}: run {int(attrs[name])}, oracle {count}")


def key_function(seed, key_file):
    """The run's keyed hash of an id (bytes): the key file's 32 hex digits, else the demo key
    derived from the seed (memoised)."""
    if key_file:
        with open(key_file) as f:
            key = bytes.fromhex(f.readline().strip())
    else:
        key = hashlib.blake2b(f"telrisk demo key {seed}".encode(), digest_size=16).digest()
    cache = {}

    def k(ident):
        if ident not in cache:
            cache[ident] = siphash24(key, ident)
        return cache[ident]

    return k


def oracle(data_dir, run, seed, key_file, report):
    """The oracle's ledger from the inputs alone, the run file lending only its settings and
    its rejects: (settings, registered keys, loans rows, obligors rows). check_calibration.py
    takes its cohorts from here, independently of the run's own /ledger/cohorts."""
    s = settings_of(run)
    inputs = Inputs(data_dir, run, report)
    book, registered = build_book(inputs, key_function(seed, key_file), s, report)
    want_loans, want_obligors = expected(book, s)
    return s, registered, want_loans, want_obligors


def cohort_summary(cohorts):
    """One line of the cohorts: day, obligors and defaults of each with obligors."""
    used = [f"{r['cohort']} (day {r['day']}): {r['defaults']}/{r['obligors']}"
            + ("" if r.get("used", 1) else " (not used)") for r in cohorts if r["obligors"]]
    return "cohorts with obligors, defaults/obligors: " + ("; ".join(used) or "none")


def check(data_dir, run_path, seed, key_file):
    """The whole comparison; exit status 0 (all agree) or 1."""
    import h5py
    report = Report()
    run = h5py.File(run_path, "r")
    if "ledger" not in run:
        print(f"check_ledger: {run_path} has no /ledger")
        return 1
    s, registered, want_loans, want_obligors = oracle(data_dir, run, seed, key_file, report)
    check_observation_day(report, run, s)
    compare_table(report, "/ledger/loans", rows_of(run["ledger/loans"]), want_loans, LOAN_FIELDS,
                  ("subscriber", "loan"))
    skip = () if s.rule == "ledger" else ("label", "default_day")
    compare_table(report, "/ledger/obligors", rows_of(run["ledger/obligors"]), want_obligors, OBLIGOR_FIELDS,
                  ("subscriber",), skip)
    compare_labels(report, run, want_obligors, registered, s)
    cohorts = expected_cohorts(want_obligors, s)
    compare_cohorts(report, run, cohorts)
    compare_regions(report, run)
    if registered and registered.isdisjoint(int(k) for k in run["subscribers/key"][:]):
        print("check_ledger: no subscriber key matches: another --seed or --key-file?")
    compare_counts_attrs(report, run, want_obligors, s)
    print(f"check_ledger: {summary(want_loans, want_obligors, s)}")
    print(f"check_ledger: {cohort_summary(cohorts)}")
    for line in report.first:
        print("FAIL", line)
    if report.kinds:
        print("check_ledger: mismatches: " + ", ".join(f"{k} {n}" for k, n in sorted(report.kinds.items())))
        return 1
    print("check_ledger: all checks passed")
    return 0


# ---------------------------------------------------------------------------------------------
# --selftest: the worked example of docs/credit.md section 2 and hand-derived cases.

def tiny_loan(issued, due, amount, n=1, reps=(), status="open", sub=1, key=None):
    """A hand-made loan for the cases below."""
    loan = Loan(sub, key if key is not None else issued * 1000 + amount, "microloan", status,
                issued, due, n, amount, (0, issued), f"case:{issued}")
    loan.reps = sorted(reps)
    return loan


def settings(**kw):
    """The worked example's settings (materiality 1 unit and 1%, D 90, P 90), changed by kw."""
    base = dict(T=200, C=400, H=365, A=60, D=90, mat_abs=1.0, mat_rel=0.01, P=90, rule="ledger")
    base.update(kw)
    return Settings(**base)


def at_day(loans, s, d):
    """(E, R, c, [DPD]) of an obligor on day d, from the fast series."""
    part, d0, E, R, c, dpds = series(loans, s)
    j = d - d0
    return int(E[j]), int(R[j]), int(c[j]), [int(x[j]) for x in dpds]


def expect(what, got, want):
    """One hand-derived value: said when right, an AssertionError when not."""
    assert got == want, f"{what}: got {got!r}, expected {want!r}"
    print(f"  ok {what} = {want!r}")


def selftest_worked_example():
    """docs/credit.md section 2: 90.00 in 3 installments, 30.00 paid on day 128, 10.00 on 170."""
    print("worked example (docs/credit.md section 2)")
    s = settings(T=200, C=400)
    loan = tiny_loan(100, 190, 9000, n=3, reps=[(128, 3000), (170, 1000)])
    expect("schedule", loan.sched, [(130, 3000, 3000), (160, 3000, 6000), (190, 3000, 9000)])
    for d, dpd, c in ((160, 0, 0), (161, 1, 1), (171, 11, 11), (191, 31, 31)):
        _, _, got_c, got_dpd = at_day([loan], s, d)
        expect(f"DPD({d}), c({d})", (got_dpd[0], got_c), (dpd, c))
    expect("E(161), R(161)", at_day([loan], s, 161)[:2], (6000, 3000))
    expect("E(171), R(171)", at_day([loan], s, 171)[:2], (5000, 2000))
    row, defaults = judge([loan], s)
    expect("loan default day", defaults, [250])
    expect("DPD(250)", at_day([loan], s, 250)[3], [90])
    expect("position at 200", position(loan, 200),
           {"outstanding": 5000, "arrears": 5000, "dpd": 40, "installments_due": 3, "installments_paid": 1})
    expect("obligor at 200", (row["material_days"], row["in_default"], row["population"]), (40, 0, "exposure"))
    # Label: T + H = 565 > C + 1 = 401: the outcome is not yet known.
    expect("label (cut before the horizon's end)", (row["label"], row["default_day"]), (-1, -1))
    row, _ = judge([loan], settings(T=200, C=600))
    expect("label, first trigger in (T, T+H]", (row["label"], row["default_day"]), (1, 250))
    row, _ = judge([loan], settings(T=260, C=700))
    expect("in default at 260 (trigger on 250..260)", (row["in_default"], row["population"], row["label"]),
           (1, "in_default", -1))


def selftest_overpayment():
    """An overpaid loan owes nothing and has no negative arrears: it does not offset another
    loan's arrears."""
    print("overpayment")
    s = settings(T=20, C=400)
    a = tiny_loan(0, 30, 5000, reps=[(10, 7000)], key=1)
    b = tiny_loan(0, 10, 1000, key=2)
    expect("position of the overpaid loan at 20", position(a, 20),
           {"outstanding": 0, "arrears": 0, "dpd": 0, "installments_due": 0, "installments_paid": 1})
    expect("installments due at 31", position(a, 31)["installments_due"], 1)
    expect("E, R on day 20", at_day([a, b], s, 20)[:2], (1000, 1000))
    expect("c(20) (material from day 11)", at_day([a, b], s, 20)[2], 10)
    row, defaults = judge([a, b], s)
    expect("default days (c reaches 90 on day 100; loan b 90 days past due)", defaults, [-1, 100])
    expect("obligor at 20", (row["exposure"], row["arrears"], row["population"]), (1000, 1000, "exposure"))


def selftest_relative_materiality():
    """A small loan in arrears beside a large current one: not material until the large one is
    paid down below 100 times the arrears."""
    print("relative materiality")
    s = settings(T=650, C=1100)
    big = tiny_loan(0, 1000, 1000000, n=10, reps=[(100 * k, 100000) for k in range(1, 11)], key=1)
    small = tiny_loan(0, 10, 5000, key=2)
    expect("day 600: E 505000, R 5000, not material", at_day([big, small], s, 600)[:3], (505000, 5000, 0))
    expect("day 601: E 405000, material", at_day([big, small], s, 601)[:3], (405000, 5000, 1))
    expect("DPD of the small loan on day 600", at_day([big, small], s, 600)[3], [0, 590])
    row, defaults = judge([big, small], s)
    expect("default days (c = 90 on day 690)", defaults, [-1, 690])
    expect("obligor at 650", (row["material_days"], row["in_default"], row["label"], row["default_day"]),
           (50, 0, 1, 690))


def selftest_cure():
    """A default, cured after the probation, then a new default on a later loan."""
    print("cure after probation, then a new default")
    first = tiny_loan(0, 30, 10000, reps=[(150, 10000)], key=1)
    second = tiny_loan(300, 330, 20000, key=2)
    s = settings(T=241, C=700)
    expect("c(120), c(150), c(151)", [at_day([first, second], s, d)[2] for d in (120, 150, 151)], [90, 120, 0])
    row, defaults = judge([first, second], s)
    expect("default days", defaults, [120, 420])
    expect("at 241: cured, no exposure, an application on 300", (row["in_default"], row["population"]),
           (0, "application"))
    expect("label and first trigger in (241, 606]", (row["label"], row["default_day"]), (1, 420))
    row, _ = judge([first, second], settings(T=240, C=700))
    expect("at 240: last trigger 150 + 90: still in default", (row["in_default"], row["population"],
                                                                 row["label"]), (1, "in_default", -1))
    row, _ = judge([first, second], settings(T=420, C=700))
    expect("at 420: in default again", (row["in_default"], row["material_days"]), (1, 90))


def selftest_status_and_schedule():
    """Unlikeliness-to-pay statuses trigger on C + 1 only (loans issued by C); the schedule's
    remainder goes to the last installment."""
    print("statuses and the schedule")
    expect("schedule of 10.00 in 3 over 10 days", tiny_loan(0, 10, 1000, n=3).sched,
           [(3, 333, 333), (6, 333, 666), (10, 334, 1000)])
    s = settings(T=100, C=99, rule="status")
    current = tiny_loan(50, 200, 3000, n=3, status="written_off", reps=[(60, 1000)], key=1)
    later = tiny_loan(120, 150, 3000, status="default", key=2)
    row, defaults = judge([current, later], s)
    expect("default days (C + 1; the loan after the cut none)", defaults, [100, -1])
    expect("obligor at T = C + 1", (row["in_default"], row["population"], row["material_days"]),
           (1, "in_default", 0))
    row, defaults = judge([later], s)
    expect("the later loan alone: an application", (row["population"], defaults), ("application", [-1]))


def selftest_cohorts():
    """Yearly cohorts by hand (T 800: T_1 435, T_2 70): an exposure, an application, a default
    through the horizon's last day, in default on the cohort's day, before the first loan, and
    an outcome the cut does not reach."""
    print("yearly cohorts (docs/credit.md section 4)")
    s = settings(T=800, C=1200)
    # A: 100.00 bullet due 30, repaid on 150 (triggers 120..150); 200.00 issued 460, repaid on 480;
    # 50.00 issued 820 due 850, never repaid (material from 851, c = 90 on 940).
    a = [tiny_loan(0, 30, 10000, reps=[(150, 10000)], key=1), tiny_loan(460, 490, 20000, reps=[(480, 20000)], key=2),
         tiny_loan(820, 850, 5000, key=3)]
    # B: 300.00 issued 410 in 3 installments due 510, 610, 710; the first two paid on time, the
    # last never: material from 711, c = 90 on 800 = T_1 + H.
    b = [tiny_loan(410, 710, 30000, n=3, reps=[(505, 10000), (605, 10000)], sub=2, key=4)]
    row_a, _ = judge(a, s)
    row_b, _ = judge(b, s)
    expect("A: T_2 70 exposure, trigger 120; T_1 435 application (460), none; T_0 800 application "
           "(820), trigger 940; T_3.. nothing yet", row_a["cohorts"], ((1, 1), (1, 0), (1, 1)) + ((0, 0),) * 5)
    expect("B: T_0 800 in default (trigger on 800); T_1 435 exposure, trigger on 800 = T_1 + H; "
           "T_2 before its first loan", row_b["cohorts"], ((0, 0), (1, 1)) + ((0, 0),) * 6)
    expect("cohort 0 is the label's", (row_a["label"], row_a["default_day"], row_b["label"]), (1, 940, -1))
    rows = expected_cohorts({(1,): row_a, (2,): row_b}, s)
    expect("cohorts 0..3: day, obligors, defaults", [(r["day"], r["obligors"], r["defaults"]) for r in rows[:4]],
           [(800, 1, 1), (435, 2, 1), (70, 1, 1), (-295, 0, 0)])
    expect("used: with obligors and a year of ledger before (first issue 0)",
           [r["used"] for r in rows[:4]], [1, 1, 0, 0])
    expect("rates (NaN when empty)", [r["default_rate"] for r in rows[:3]] + [np.isnan(rows[3]["default_rate"])],
           [1.0, 0.5, 1.0, True])
    row_a, _ = judge(a, settings(T=800, C=1000))
    expect("cut at 1000: T_0 + H = 1165 > C + 1 unknown, T_1 + H = 800 known", row_a["cohorts"][:3],
           ((0, 0), (1, 0), (1, 1)))
    expect("T_1 + H = C + 1 exactly: known", judge(b, settings(T=800, C=799))[0]["cohorts"][1], (1, 1))
    expect("T_1 + H = C + 2: unknown", judge(b, settings(T=800, C=798))[0]["cohorts"][1], (0, 0))


def cohort_direct(loans, s, day, slow):
    """(member, defaulted) of a cohort's day read straight from the day loop: in default when
    c >= D (or the C + 1 status trigger) on a day of [day - P, day], the exposure from each
    loan's state on the day (an independent reading for the random cases); slow: series_slow's."""
    part, d0, _, _, c, _ = slow
    hot = {d0 + j for j in range(min(len(c), s.C + 2 - d0)) if c[j] >= s.D}
    if any(l.status in UTP for l in part):
        hot.add(s.C + 1)
    if any(day - s.P <= t <= day for t in hot) or day + s.H > s.C + 1:
        return 0, 0
    if sum(loan_state(l, day)[0] for l in part) == 0 and not any(day <= l.issued < day + s.A for l in loans):
        return 0, 0
    return 1, int(any(day < t <= day + s.H for t in hot))


def selftest_random():
    """The fast (numpy) days equal the plain day loop on random obligors."""
    print("fast days = day loop on 300 random obligors")
    rng = random.Random(7)
    for case in range(300):
        loans = []
        for j in range(rng.randint(1, 4)):
            i = rng.randint(0, 300)
            due = i + rng.randint(1, 200)
            amount = rng.choice([0, 1, 99, 5000, rng.randint(1, 10 ** 6)])
            reps = [(rng.randint(i, 700), rng.randint(1, max(1, amount))) for _ in range(rng.randint(0, 6))]
            loans.append(tiny_loan(i, due, amount, n=rng.randint(1, min(12, due - i)), reps=reps,
                                   status=rng.choice(STATUSES), key=j))
        s = settings(T=rng.randint(100, 500), C=rng.randint(350, 650), D=rng.choice([30, 90]),
                     H=rng.choice([30, 90, 365]), P=rng.choice([90, 180]),
                     mat_abs=rng.choice([0.0, 1.0, 100.0]), mat_rel=rng.choice([0.0, 0.01, 0.5]))
        for l in loans:
            l.reps = [r for r in l.reps if r[0] <= s.C]
        fast, slow = series(loans, s), series_slow(loans, s)
        assert fast[1] == slow[1] and all(np.array_equal(a, b) for a, b in zip(fast[2:5], slow[2:5])), case
        assert all(np.array_equal(a, b) for a, b in zip(fast[5], slow[5])), case
        assert judge(loans, s) == judge(loans, s, series_slow), case
        for l in loans:
            o, r, dpd = loan_state(l, s.T)
            pos = position(l, s.T)
            assert (pos["outstanding"], pos["arrears"], pos["dpd"]) == (o, r, dpd)
        row = judge(loans, s)[0]
        assert row["exposure"] == sum(loan_state(l, s.T)[0] for l in loans if l.issued <= s.C), case
        for k, (member, defaulted) in enumerate(row["cohorts"]):  # against a direct reading
            assert (member, defaulted) == cohort_direct(loans, s, cohort_day(s, k), slow), (case, k)
    print("  ok")


def selftest():
    """Every case; exit status 0 when all hold (an AssertionError otherwise)."""
    selftest_worked_example()
    selftest_overpayment()
    selftest_relative_materiality()
    selftest_cure()
    selftest_status_and_schedule()
    selftest_cohorts()
    selftest_random()
    expect("cents of '12.345' (half away from zero)", cents_of(b"12.345"), 1235)
    expect("cents of '0.1'", cents_of(b"0.1"), 10)
    expect("installments '2.0'", installments_of(b"2.0"), 2)
    expect("day of 2020-01-31", day_of(b"2020-01-31"), 18292)
    expect("seconds of 1970-01-02 00:00:01", seconds_of(b"1970-01-02 00:00:01"), 86401)
    print("check_ledger: selftest passed")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("data_dir", nargs="?")
    p.add_argument("run", nargs="?")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--key-file")
    p.add_argument("--selftest", action="store_true")
    a = p.parse_args()
    if a.selftest:
        return selftest()
    if not a.data_dir or not a.run:
        p.error("DATA_DIR and RUN.h5 are needed (or --selftest)")
    return check(a.data_dir, a.run, a.seed, a.key_file)


if __name__ == "__main__":
    sys.exit(main())
