#!/usr/bin/env python3
"""Independent oracle: proves that the planted truth written by `telrisk generate` describes the
generated tables exactly.

Usage: check_truth.py DIR [--window-start YYYY-MM-DD] [--max-examples N]

Written from docs/formats.md (the format contract), not from the generator's C code: every line
of every table is classified afresh (reject reason, duplicate, unknown antenna, ledger break) and
the result is compared, set against set, with DIR/truth/. Standard library only.

Exit status: 0 when every check holds; 1 when any mismatch is found (each one printed, at most
--max-examples examples per check); 2 when a file is missing or unusable.
"""
import argparse
import math
import os
import re
import sys
from collections import Counter, defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

MAX_LINE = 4096
R_EARTH_KM = 6371.0

REASONS = ("line_too_long", "nul_byte", "stray_quote", "missing_field", "extra_field",
           "unknown_txn_type", "bad_timestamp", "bad_number", "negative_value")

# Table layout from docs/formats.md. Per table: required columns, the txn_type column and its
# allowed values, timestamp columns, date columns, numeric columns as
# (name, required, non_negative).
MM_TYPES = (b"p2p", b"cashin", b"cashout", b"billpay", b"merchant", b"loan_disbursement",
            b"loan_repayment")
TABLES = {
    "cdr": dict(
        cols=("txn_type", "caller_id", "recipient_id", "timestamp", "duration", "caller_antenna",
              "recipient_antenna", "international"),
        txn=("txn_type", (b"call", b"text")), ts=("timestamp",), dates=(),
        nums=(("duration", "call_only", True), ("international", True, False))),
    "recharges": dict(
        cols=("caller_id", "amount", "timestamp"), txn=None, ts=("timestamp",), dates=(),
        nums=(("amount", True, True),)),
    "mobilemoney": dict(
        cols=("txn_id", "txn_type", "caller_id", "recipient_id", "timestamp", "amount",
              "sender_balance_before", "sender_balance_after", "recipient_balance_before",
              "recipient_balance_after", "antenna_id"),
        txn=("txn_type", MM_TYPES), ts=("timestamp",), dates=(),
        nums=(("amount", True, True), ("sender_balance_before", False, True),
              ("sender_balance_after", False, True), ("recipient_balance_before", False, True),
              ("recipient_balance_after", False, True))),
    "mobiledata": dict(
        cols=("caller_id", "volume", "timestamp"), txn=None, ts=("timestamp",), dates=(),
        nums=(("volume", True, True),)),
    "antennas": dict(
        cols=("antenna_id", "tower_id", "latitude", "longitude", "region"), txn=None, ts=(),
        dates=(), nums=(("latitude", True, False), ("longitude", True, False))),
    "subscribers": dict(
        cols=("subscriber_id", "region", "activation_date", "plan"), txn=None, ts=(),
        dates=("activation_date",), nums=()),
    "loans": dict(
        cols=("loan_id", "subscriber_id", "product", "issued", "due", "amount", "outstanding",
              "status", "lgd"),
        txn=None, ts=(), dates=("issued", "due"),
        nums=(("amount", True, True), ("outstanding", True, True), ("lgd", False, True))),
    "sim_swaps": dict(
        cols=("subscriber_id", "timestamp"), txn=None, ts=("timestamp",), dates=(), nums=()),
    # docs/credit.md section 1: the ledger, one line per payment received on a loan.
    "repayments": dict(
        cols=("loan_id", "timestamp", "amount"), txn=None, ts=("timestamp",), dates=(),
        nums=(("amount", True, True),)),
}
RECORD_TABLES = ("cdr", "recharges", "mobilemoney", "mobiledata", "sim_swaps")
ALL_TABLES = ("antennas", "cdr", "recharges", "mobilemoney", "mobiledata", "subscribers", "loans",
              "sim_swaps", "repayments")
RULES = ("simbox", "account_takeover", "impossible_travel", "velocity", "dormant_then_active")

TS_RE = re.compile(rb"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")
DATE_RE = re.compile(rb"([0-9]{4})-([0-9]{2})-([0-9]{2})")
NUM_RE = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?")
# Who may stand on each side of a mobile-money record (docs/formats.md, "parties and balances"):
# None = a subscriber account (balances given), else the pattern of the non-account party.
PARTY_RE = {"agent": re.compile(rb"AG[0-9]{5}"), "biller": re.compile(rb"BIL[0-9]{3}"),
            "merchant": re.compile(rb"MER[0-9]{5}"), "lender": re.compile(rb"LENDER01")}
MM_PARTIES = {b"p2p": (None, None), b"cashin": ("agent", None), b"cashout": (None, "agent"),
              b"billpay": (None, "biller"), b"merchant": (None, "merchant"),
              b"loan_disbursement": ("lender", None), b"loan_repayment": (None, "lender")}


class Fatal(Exception):
    pass


# ---------------------------------------------------------------- small helpers
_date_cache = {}


def valid_date(d):
    """d: b'YYYY-MM-DD' already matching the digit layout; a real calendar date, 1970-9999."""
    ok = _date_cache.get(d)
    if ok is None:
        y, m, dd = int(d[0:4]), int(d[5:7]), int(d[8:10])
        ok = 1970 <= y <= 9999 and 1 <= m <= 12 and 1 <= dd <= days_in_month(y, m)
        _date_cache[d] = ok
    return ok


def days_in_month(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def valid_ts(t):
    return TS_RE.fullmatch(t) is not None and valid_date(t[:10])


def valid_date_field(t):
    return DATE_RE.fullmatch(t) is not None and valid_date(t)


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def epoch(ts):
    """Seconds since 1970 of a valid b'YYYY-MM-DD HH:MM:SS' (or str)."""
    if isinstance(ts, str):
        ts = ts.encode()
    return (days_from_civil(int(ts[0:4]), int(ts[5:7]), int(ts[8:10])) * 86400
            + int(ts[11:13]) * 3600 + int(ts[14:16]) * 60 + int(ts[17:19]))


def ts_of_epoch(e):
    days, sec = divmod(e, 86400)
    # civil_from_days
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    y += m <= 2
    return "%04d-%02d-%02d %02d:%02d:%02d" % (y, m, d, sec // 3600, sec // 60 % 60, sec % 60)


def is_negative(num):
    """num matches NUM_RE; negative means < 0 (so '-0' and '-0.00' are not)."""
    return num[:1] == b"-" and num.strip(b"-0.") != b""


def to_cents(num):
    """A valid plain decimal (bytes) in integer cents, rounded half-even beyond the cent."""
    neg = num[:1] == b"-"
    s = num[1:] if neg else num
    if b"." in s:
        ip, fp = s.split(b".")
        if len(fp) <= 2:
            v = int(ip) * 100 + int((fp + b"00")[:2])
        else:
            v = int(Decimal(s.decode()).scaleb(2).quantize(Decimal(1), ROUND_HALF_EVEN))
    else:
        v = int(s) * 100
    return -v if neg else v


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def show(b):
    """Printable form of a raw line, shortened."""
    s = b.decode("utf-8", "backslashreplace").replace("\0", "\\0")
    return s if len(s) <= 140 else s[:100] + "...(%d bytes)" % len(b)


def parse_evidence(ev):
    out = {}
    for part in ev.split(";"):
        if not part:
            continue
        k, sep, v = part.partition("=")
        if not sep:
            raise ValueError("evidence part without '=': %r" % part)
        out[k] = v
    return out


# ---------------------------------------------------------------- reporting
class Report:
    def __init__(self, max_examples):
        self.max = max_examples
        self.fail = defaultdict(list)   # check -> examples
        self.nfail = Counter()
        self.order = []

    def check(self, name):
        if name not in self.order:
            self.order.append(name)

    def bad(self, name, msg):
        self.check(name)
        self.nfail[name] += 1
        if len(self.fail[name]) < self.max:
            self.fail[name].append(msg)

    def compare_sets(self, name, mine, truth, what_mine, what_truth, fmt=str):
        """Reports the symmetric difference of two sets."""
        self.check(name)
        for x in sorted(mine - truth, key=str):
            self.bad(name, "%s but not %s: %s" % (what_mine, what_truth, fmt(x)))
        for x in sorted(truth - mine, key=str):
            self.bad(name, "%s but not %s: %s" % (what_truth, what_mine, fmt(x)))

    def print(self, out):
        failed = 0
        for name in self.order:
            n = self.nfail[name]
            if n == 0:
                print("ok    %s" % name, file=out)
                continue
            failed += 1
            print("FAIL  %s: %d mismatch(es)" % (name, n), file=out)
            for m in self.fail[name]:
                print("        " + m, file=out)
            if n > len(self.fail[name]):
                print("        ... and %d more" % (n - len(self.fail[name])), file=out)
        return failed


# ---------------------------------------------------------------- reading
def read_lines(path):
    """(header bytes, list of data lines): split on \\n, trailing \\r stripped, BOM skipped."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Fatal("cannot read %s: %s" % (path, e))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data:
        return None, []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    if any(l.endswith(b"\r") for l in lines):
        lines = [l[:-1] if l.endswith(b"\r") else l for l in lines]
    return lines[0], lines[1:]


def read_header(path):
    """The header line of a table (None for an empty file), read without the rest."""
    try:
        with open(path, "rb") as f:
            h = f.readline()
    except OSError as e:
        raise Fatal("cannot read %s: %s" % (path, e))
    if h.startswith(b"\xef\xbb\xbf"):
        h = h[3:]
    h = h.rstrip(b"\n")
    if h.endswith(b"\r"):
        h = h[:-1]
    return h if h else None


def read_csv_text(path):
    """A small truth file as (header list, list of row lists of str)."""
    header, lines = read_lines(path)
    if header is None:
        raise Fatal("%s is empty" % path)
    return header.decode().split(","), [l.decode("utf-8", "replace").split(",") for l in lines]


def column_index(table, header, names):
    cols = header.split(b",")
    idx = {}
    for k, c in enumerate(cols):
        idx.setdefault(c.decode("utf-8", "replace"), k)
    missing = [n for n in names if n not in idx]
    if missing:
        raise Fatal("%s.csv: missing required column(s) %s" % (table, ", ".join(missing)))
    return len(cols), idx


def make_classifier(table, header):
    """Returns (n_fields, index map, classify(fields) -> reason or None) for the checks after
    the field count (unknown_txn_type, bad_timestamp, bad_number, negative_value)."""
    spec = TABLES[table]
    nf, idx = column_index(table, header, spec["cols"])
    txn = (idx[spec["txn"][0]], frozenset(spec["txn"][1])) if spec["txn"] else None
    ts_cols = tuple(idx[c] for c in spec["ts"])
    date_cols = tuple(idx[c] for c in spec["dates"])
    nums = tuple((idx[c], req, nonneg) for c, req, nonneg in spec["nums"])
    it = idx.get("txn_type")
    ts_match = TS_RE.fullmatch
    num_match = NUM_RE.fullmatch

    def classify(f):
        if txn is not None and f[txn[0]] not in txn[1]:
            return "unknown_txn_type"
        for c in ts_cols:
            t = f[c]
            if ts_match(t) is None or not valid_date(t[:10]):
                return "bad_timestamp"
        for c in date_cols:
            if not valid_date_field(f[c]):
                return "bad_timestamp"
        neg = False
        for c, req, nonneg in nums:
            v = f[c]
            if not v:
                # cdr duration: required for a call, empty for a text
                if req is True or (req == "call_only" and f[it] == b"call"):
                    return "bad_number"
                continue
            if num_match(v) is None:
                return "bad_number"
            if nonneg and not neg and v[:1] == b"-" and is_negative(v):
                neg = True
        return "negative_value" if neg else None

    return nf, idx, classify


def scan_table(table, path, on_line):
    """Classifies every data line; calls on_line(lineno, fields, raw, is_dup) for each accepted
    line. Returns dict with the counts, the rejected lines {lineno: reason}, the duplicate line
    numbers, and a few raw lines kept for context."""
    header, lines = read_lines(path)
    res = dict(lines=len(lines), rejected={}, dups=set(), long_lines=[], prev_accepted={},
               first_copy={}, dup_raw={})
    if header is None:
        return res
    nf, idx, classify = make_classifier(table, header)
    res["idx"] = idx
    rejected = res["rejected"]
    dups = res["dups"]
    seen = {}
    last_accepted = None
    for k, raw in enumerate(lines):
        ln = k + 2
        n = len(raw)
        if n > MAX_LINE:
            res["long_lines"].append(ln)
            rejected[ln] = "line_too_long"
            res["prev_accepted"][ln] = last_accepted
            continue
        reason = None
        if b"\0" in raw:
            reason = "nul_byte"
        elif b'"' in raw:
            reason = "stray_quote"
        else:
            f = raw.split(b",")
            if len(f) < nf:
                reason = "missing_field"
            elif len(f) > nf:
                reason = "extra_field"
            else:
                reason = classify(f)
        if reason is not None:
            rejected[ln] = reason
            res["prev_accepted"][ln] = last_accepted
            continue
        first = seen.get(raw)
        if first is None:
            seen[raw] = ln
            dup = False
        else:
            dups.add(ln)
            res["first_copy"][ln] = first
            res["dup_raw"][ln] = raw
            dup = True
        last_accepted = raw
        if on_line is not None:
            on_line(ln, f, raw, dup)
    return res


# ---------------------------------------------------------------- the checker
def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--window-start", default="2020-01-01")
    ap.add_argument("--max-examples", type=int, default=20)
    args = ap.parse_args(argv)
    if not DATE_RE.fullmatch(args.window_start.encode()) or not valid_date(args.window_start.encode()):
        print("check_truth: --window-start must be a YYYY-MM-DD date", file=sys.stderr)
        return 2
    try:
        return run(args)
    except Fatal as e:
        print("check_truth: %s" % e, file=sys.stderr)
        return 2


def run(args):
    D = args.dir
    T = os.path.join(D, "truth")
    rep = Report(args.max_examples)
    window_epoch = epoch(args.window_start + " 00:00:00")

    def tpath(name):
        return os.path.join(T, name + ".csv")

    def need_cols(name, header, cols):
        miss = [c for c in cols if c not in header]
        if miss:
            raise Fatal("truth/%s.csv lacks column(s) %s" % (name, ", ".join(miss)))
        return {c: header.index(c) for c in cols}

    # ---------------- truth files
    h, rows = read_csv_text(tpath("defects"))
    ci = need_cols("defects", h, ("table", "line", "kind", "subscriber_id", "detail"))
    t_malformed, t_dup, t_unknown, t_ledger = set(), set(), set(), set()
    t_defect_sub = {}        # (table, line, kind) -> subscriber_id
    t_defect_count = Counter()
    chk = "truth/defects.csv rows well formed"
    rep.check(chk)
    seen_rows = set()
    for r in rows:
        if len(r) != len(h):
            rep.bad(chk, "row with %d fields: %s" % (len(r), ",".join(r)))
            continue
        table, line, kind, sub, detail = (r[ci[c]] for c in ("table", "line", "kind",
                                                             "subscriber_id", "detail"))
        key = tuple(r)
        if key in seen_rows:
            rep.bad(chk, "row repeated: %s" % ",".join(r))
        seen_rows.add(key)
        if table not in ALL_TABLES or not line.isdigit() or int(line) < 2:
            rep.bad(chk, "bad table or line: %s" % ",".join(r))
            continue
        line = int(line)
        t_defect_count[(table, kind)] += 1
        if kind == "malformed":
            if detail not in REASONS:
                rep.bad(chk, "unknown reject reason %r: %s" % (detail, ",".join(r)))
            t_malformed.add((table, line, detail))
        elif kind == "duplicate":
            t_dup.add((table, line))
        elif kind == "unknown_antenna":
            if table != "cdr":
                rep.bad(chk, "unknown_antenna outside cdr: %s" % ",".join(r))
            t_unknown.add((table, line, detail))
        elif kind == "ledger_break":
            if table != "mobilemoney" or detail not in ("chain", "arithmetic"):
                rep.bad(chk, "bad ledger_break row: %s" % ",".join(r))
            t_ledger.add((line, sub, detail))
        else:
            rep.bad(chk, "unknown defect kind %r: %s" % (kind, ",".join(r)))
            continue
        t_defect_sub[(table, line, kind)] = sub

    h, rows = read_csv_text(tpath("summary"))
    ci = need_cols("summary", h, ("table", "lines", "records", "malformed", "duplicates",
                                  "unknown_antenna", "ledger_breaks"))
    t_summary = {}
    for r in rows:
        if len(r) == len(h):
            t_summary[r[ci["table"]]] = {c: r[ci[c]] for c in ci}

    h, fraud_rows = read_csv_text(tpath("fraud"))
    fci = need_cols("fraud", h, ("rule", "subscriber_id", "timestamp", "table", "line", "evidence"))
    fraud_n = len(h)
    h, rows = read_csv_text(tpath("planted"))
    ci = need_cols("planted", h, ("rule", "cases"))
    t_planted = {}
    for r in rows:
        if len(r) == len(h):
            t_planted[r[ci["rule"]]] = r[ci["cases"]]

    h, tsub_rows = read_csv_text(tpath("subscribers"))
    tsci = need_cols("subscribers", h, ("subscriber_id", "region", "pd", "income", "stability",
                                        "regularity", "wallet", "kind", "ledger_break", "sim_swap",
                                        "home_antenna", "work_antenna", "dormant_until"))
    tsub_n = len(h)
    h, tloan_rows = read_csv_text(tpath("loans"))
    tlci = need_cols("loans", h, ("loan_id", "subscriber_id", "product", "after_window", "status",
                                  "eventual_default", "pd"))
    tloan_n = len(h)
    # truth/regions.csv is written by every generate run: its absence is an error, not a check
    # passed over.
    h, rows = read_csv_text(tpath("regions"))
    need_cols("regions", h, ("region", "subscribers", "antennas"))
    regions_rows = (h, rows)

    # kinds of subscribers per truth/subscribers.csv
    t_kind, t_wake = {}, {}
    for r in tsub_rows:
        if len(r) != tsub_n:
            continue
        sid = r[tsci["subscriber_id"]]
        t_kind[sid] = r[tsci["kind"]]
        if r[tsci["kind"]] == "dormant_then_active" and r[tsci["dormant_until"]].isdigit():
            t_wake[sid.encode()] = ts_of_epoch(window_epoch + 86400 * int(r[tsci["dormant_until"]])).encode()

    # what the fraud rows need from the big tables
    cited = defaultdict(set)             # table -> line numbers cited
    simbox_subs, far_calls = set(), set()
    for r in fraud_rows:
        if len(r) != fraud_n:
            continue
        try:
            ln = int(r[fci["line"]])
        except ValueError:
            continue
        cited[r[fci["table"]]].add(ln)
        sid = r[fci["subscriber_id"]].encode()
        if r[fci["rule"]] == "simbox":
            simbox_subs.add(sid)
        if r[fci["rule"]] == "impossible_travel":
            try:
                ev = parse_evidence(r[fci["evidence"]])
                far_calls.add((sid, ev.get("call", "").encode()))
            except ValueError:
                pass
    for sid, k in t_kind.items():
        if k == "simbox":
            simbox_subs.add(sid.encode())

    # ---------------- small tables
    antennas = {}
    ant_region = {}

    def on_antenna(ln, f, raw, dup):
        a = f[ai["antenna_id"]]
        if a in antennas:
            rep.bad("antennas.csv well formed", "line %d: antenna %s repeated" % (ln, a.decode()))
        antennas[a] = (float(f[ai["latitude"]]), float(f[ai["longitude"]]))
        ant_region[a] = f[ai["region"]]

    header = read_header(os.path.join(D, "antennas.csv"))
    if header is None:
        raise Fatal("antennas.csv is empty")
    _, ai, _ = make_classifier("antennas", header)
    rep.check("antennas.csv well formed")
    res = {}
    res["antennas"] = scan_table("antennas", os.path.join(D, "antennas.csv"), on_antenna)

    subs_order, subs_region = [], {}
    header = read_header(os.path.join(D, "subscribers.csv"))
    if header is None:
        raise Fatal("subscribers.csv is empty")
    _, si, _ = make_classifier("subscribers", header)
    rep.check("subscribers.csv well formed")

    def on_sub(ln, f, raw, dup):
        s = f[si["subscriber_id"]]
        if s in subs_region:
            rep.bad("subscribers.csv well formed", "line %d: subscriber %s repeated" % (ln, s.decode()))
        subs_order.append(s)
        subs_region[s] = f[si["region"]]
        if f[si["plan"]] not in (b"prepaid", b"postpaid"):
            rep.bad("subscribers.csv well formed", "line %d: plan %r" % (ln, f[si["plan"]]))
    res["subscribers"] = scan_table("subscribers", os.path.join(D, "subscribers.csv"), on_sub)
    subscribers = set(subs_region)

    loans, loan_fields = [], {}
    header = read_header(os.path.join(D, "loans.csv"))
    for extra in ("installments", "rate", "limit"):  # docs/credit.md: optional, found by name
        if header is not None and extra in header.decode().split(","):
            TABLES["loans"]["cols"] += (extra,)
    li = make_classifier("loans", header)[1] if header is not None else {}
    rep.check("loans.csv well formed")

    def on_loan(ln, f, raw, dup):
        loans.append((ln, f[li["loan_id"]].decode(), f[li["subscriber_id"]].decode(),
                      f[li["product"]].decode(), f[li["status"]].decode()))
        bad = []
        if f[li["product"]] not in (b"microloan", b"revolving", b"mortgage"):
            bad.append("product")
        loan_fields[f[li["loan_id"]].decode()] = {c: f[li[c]].decode() for c in li}
        if f[li["status"]] not in (b"repaid", b"default", b"open", b"written_off", b"restructured"):
            bad.append("status")
        g = f[li["lgd"]]
        if g and not (0 <= Decimal(g.decode()) <= 1):
            bad.append("lgd")
        if f[li["subscriber_id"]] not in subscribers:
            bad.append("subscriber_id not in subscribers.csv")
        if bad:
            rep.bad("loans.csv well formed", "line %d (%s): %s" % (ln, ", ".join(bad), show(raw)))
    if header is not None:
        res["loans"] = scan_table("loans", os.path.join(D, "loans.csv"), on_loan)
    else:
        res["loans"] = dict(lines=0, rejected={}, dups=set(), long_lines=[], prev_accepted={},
                            first_copy={}, dup_raw={})

    repay_rows = []  # (line, loan_id, timestamp, cents), accepted lines
    rheader = read_header(os.path.join(D, "repayments.csv"))
    if rheader is None:
        raise Fatal("repayments.csv is missing or empty (the generator always writes it)")
    ri = make_classifier("repayments", rheader)[1]

    def on_rep(ln, f, raw, dup):
        repay_rows.append((ln, f[ri["loan_id"]].decode(), f[ri["timestamp"]],
                           to_cents(f[ri["amount"]])))
    res["repayments"] = scan_table("repayments", os.path.join(D, "repayments.csv"), on_rep)
    res["repayments_rows"] = repay_rows

    # ---------------- record tables
    # Dormant accounts must not appear before their wake-up day.
    dormant_hits = []
    cited_lines = defaultdict(dict)      # table -> line -> (fields, raw, dup)

    def dormant_check(table, ln, sid, ts, role):
        w = t_wake.get(sid)
        if w is not None and ts < w:
            dormant_hits.append("%s line %d: %s %s at %s, before its wake-up %s" % (
                table, ln, role, sid.decode(), ts.decode(), w.decode()))

    # cdr
    unknown_mine = set()
    unknown_on_dup = set()
    unknown_raw = {}
    simbox = {s: dict(out=0, incoming=0, texts=0, recips=set(), first=None) for s in simbox_subs}
    calls_at = {}                         # (caller, timestamp) -> [(line, caller_antenna)]
    header = read_header(os.path.join(D, "cdr.csv"))
    if header is None:
        raise Fatal("cdr.csv is empty")
    ci_ = make_classifier("cdr", header)[1]
    c_type, c_caller, c_recip, c_ts, c_dur = (ci_[c] for c in ("txn_type", "caller_id", "recipient_id",
                                                               "timestamp", "duration"))
    c_ca, c_ra, c_int = ci_["caller_antenna"], ci_["recipient_antenna"], ci_["international"]
    cdr_cited = cited.get("cdr", set())
    rep.check("cdr.csv rules without a reject reason")

    def on_cdr(ln, f, raw, dup):
        ca, ra = f[c_ca], f[c_ra]
        if (ca and ca not in antennas) or (ra and ra not in antennas):
            unknown_raw[ln] = f
        if ca and ca not in antennas:
            unknown_mine.add(("cdr", ln, "caller_antenna=" + ca.decode()))
            if dup:
                unknown_on_dup.add(ln)
        if ra and ra not in antennas:
            unknown_mine.add(("cdr", ln, "recipient_antenna=" + ra.decode()))
            if dup:
                unknown_on_dup.add(ln)
        if ln in cdr_cited:
            cited_lines["cdr"][ln] = (f, raw, dup)
        if dup:
            return
        caller, recip, ts = f[c_caller], f[c_recip], f[c_ts]
        if f[c_int] not in (b"0", b"1") or (f[c_type] == b"text" and f[c_dur]):
            rep.bad("cdr.csv rules without a reject reason", "line %d: %s" % (ln, show(raw)))
        if t_wake:
            dormant_check("cdr", ln, caller, ts, "caller")
            dormant_check("cdr", ln, recip, ts, "recipient")
        s = simbox.get(caller)
        if s is not None:
            s["out"] += 1
            if s["first"] is None:
                s["first"] = (ln, ts)
            if f[c_type] == b"text":
                s["texts"] += 1
            s["recips"].add(recip)
        s = simbox.get(recip)
        if s is not None:
            s["incoming"] += 1
        if (caller, ts) in far_calls:
            calls_at.setdefault((caller, ts), []).append((ln, ca))

    res["cdr"] = scan_table("cdr", os.path.join(D, "cdr.csv"), on_cdr)

    # recharges, mobiledata, sim_swaps
    swaps = defaultdict(list)

    def simple(table, id_col):
        header = read_header(os.path.join(D, table + ".csv"))
        if header is None:
            raise Fatal("%s.csv is empty" % table)
        idx = make_classifier(table, header)[1]
        i_id, i_ts = idx[id_col], idx["timestamp"]
        mycited = cited.get(table, set())

        def on_line(ln, f, raw, dup):
            if ln in mycited:
                cited_lines[table][ln] = (f, raw, dup)
            if dup:
                return
            sid = f[i_id]
            if t_wake:
                dormant_check(table, ln, sid, f[i_ts], "subscriber")
            if table == "sim_swaps":
                swaps[sid].append(f[i_ts])
        res[table] = scan_table(table, os.path.join(D, table + ".csv"), on_line)
        res[table]["idx"] = idx

    simple("recharges", "caller_id")
    simple("mobiledata", "caller_id")
    simple("sim_swaps", "subscriber_id")

    # mobilemoney
    header = read_header(os.path.join(D, "mobilemoney.csv"))
    if header is None:
        raise Fatal("mobilemoney.csv is empty")
    mi = make_classifier("mobilemoney", header)[1]
    m_id, m_type, m_caller, m_recip, m_ts, m_amt = (mi[c] for c in (
        "txn_id", "txn_type", "caller_id", "recipient_id", "timestamp", "amount"))
    m_sb, m_sa, m_rb, m_ra, m_ant = (mi[c] for c in (
        "sender_balance_before", "sender_balance_after", "recipient_balance_before",
        "recipient_balance_after", "antenna_id"))
    sides = defaultdict(list)             # account -> [(ts, txn_id, line, before, after)]
    arith_mine = set()
    mm_records = {}                       # line -> fields (accepted, not duplicates)
    by_caller = defaultdict(list)         # subscriber -> [(ts, type, line)] of debits
    txn_ids = {}
    chk_parties = "mobilemoney parties and balance columns (docs/formats.md table)"
    chk_ant = "mobilemoney antenna_id values exist in antennas.csv"
    chk_txid = "mobilemoney txn_id unique among non-duplicate records"
    rep.check(chk_parties)
    rep.check(chk_ant)
    rep.check(chk_txid)
    mm_cited = cited.get("mobilemoney", set())
    money_with_lines = set()

    def on_mm(ln, f, raw, dup):
        if ln in mm_cited:
            cited_lines["mobilemoney"][ln] = (f, raw, dup)
        a = f[m_ant]
        if a and a not in antennas:
            rep.bad(chk_ant, "line %d: antenna_id=%s: %s" % (ln, a.decode(), show(raw)))
        if dup:
            return
        tid, typ, caller, recip, ts = f[m_id], f[m_type], f[m_caller], f[m_recip], f[m_ts]
        other = txn_ids.get(tid)
        if other is not None:
            rep.bad(chk_txid, "txn_id %s on lines %d and %d" % (tid.decode(), other, ln))
        else:
            txn_ids[tid] = ln
        mm_records[ln] = f
        amount = to_cents(f[m_amt])
        s_kind, r_kind = MM_PARTIES[typ]
        problems = []
        for who, pid, kind, b, a_ in (("sender", caller, s_kind, f[m_sb], f[m_sa]),
                                      ("recipient", recip, r_kind, f[m_rb], f[m_ra])):
            if kind is None:
                if pid not in subscribers:
                    problems.append("%s %s is not in subscribers.csv" % (who, pid.decode()))
                if not b or not a_:
                    problems.append("%s balances missing" % who)
                    continue
                money_with_lines.add(pid)
                before, after = to_cents(b), to_cents(a_)
                if before < 0 or after < 0:
                    problems.append("negative %s balance" % who)
                want = before - amount if who == "sender" else before + amount
                if after != want:
                    arith_mine.add((ln, pid.decode(), "arithmetic"))
                sides[pid].append((ts, tid, ln, before, after))
                if t_wake:
                    dormant_check("mobilemoney", ln, pid, ts, who)
            else:
                if PARTY_RE[kind].fullmatch(pid) is None:
                    problems.append("%s %s is not a %s id" % (who, pid.decode(), kind))
                if b or a_:
                    problems.append("%s balances given for a non-account" % who)
        if problems:
            rep.bad(chk_parties, "line %d (%s): %s" % (ln, "; ".join(problems), show(raw)))
        if s_kind is None:
            by_caller[caller].append((ts, typ, ln))

    res["mobilemoney"] = scan_table("mobilemoney", os.path.join(D, "mobilemoney.csv"), on_mm)

    # ---------------- 1. reject reasons
    mal_mine = set()
    for table in ALL_TABLES:
        for ln, reason in res[table]["rejected"].items():
            mal_mine.add((table, ln, reason))
    rep.compare_sets("1. malformed lines = truth malformed rows (table, line, reason)",
                     mal_mine, t_malformed, "rejected by the spec", "in truth/defects.csv",
                     lambda x: "%s line %d %s" % x)
    chk = "1b. each malformed line follows an intact record of its subscriber"
    rep.check(chk)
    for table, ln, reason in sorted(mal_mine & t_malformed):
        sub = t_defect_sub.get((table, ln, "malformed"), "")
        prev = res[table]["prev_accepted"].get(ln)
        if prev is None or sub.encode() not in prev:
            rep.bad(chk, "%s line %d (%s, subscriber %s): previous accepted line is %s" % (
                table, ln, reason, sub, show(prev) if prev is not None else "none"))

    # ---------------- 2. duplicates
    dup_mine = set()
    for table in ALL_TABLES:
        for ln in res[table]["dups"]:
            dup_mine.add((table, ln))
    rep.compare_sets("2. duplicate lines = truth duplicate rows (table, line)", dup_mine, t_dup,
                     "exact copy of an earlier accepted line", "in truth/defects.csv",
                     lambda x: "%s line %d" % x)
    chk = "2b. each duplicate is right after its original (detail 'copy of line above')"
    rep.check(chk)
    for table, ln in sorted(dup_mine & t_dup):
        first = res[table]["first_copy"].get(ln)
        if first != ln - 1:
            rep.bad(chk, "%s line %d copies line %s" % (table, ln, first))
    chk = "2c. duplicate and unknown_antenna rows name a subscriber of their line"
    rep.check(chk)
    for table, ln in sorted(dup_mine & t_dup):
        sub = t_defect_sub.get((table, ln, "duplicate"), "").encode()
        if sub not in res[table]["dup_raw"][ln].split(b","):
            rep.bad(chk, "%s line %d: subscriber_id %s, line %s" % (
                table, ln, sub.decode(), show(res[table]["dup_raw"][ln])))
    for table, ln, _ in sorted(unknown_mine & t_unknown):
        sub = t_defect_sub.get((table, ln, "unknown_antenna"), "").encode()
        if sub != unknown_raw[ln][c_caller]:
            rep.bad(chk, "%s line %d: subscriber_id %s, caller %s" % (
                table, ln, sub.decode(), unknown_raw[ln][c_caller].decode()))

    # ---------------- 3. unknown antennas
    rep.compare_sets("3. unknown cdr antennas = truth unknown_antenna rows (line, field=value)",
                     unknown_mine, t_unknown, "unknown antenna on an accepted line",
                     "in truth/defects.csv",
                     lambda x: "%s line %d %s%s" % (x[0], x[1], x[2],
                                                    " (a duplicate line)" if x[1] in unknown_on_dup else ""))

    # ---------------- 4. ledger
    chain_mine = set()
    for acct, lst in sides.items():
        lst.sort()
        for k in range(1, len(lst)):
            if lst[k][3] != lst[k - 1][4]:
                chain_mine.add((lst[k][2], acct.decode(), "chain"))
    ledger_mine = chain_mine | arith_mine
    rep.compare_sets("4. ledger breaks = truth ledger_break rows (line, account, kind)", ledger_mine,
                     t_ledger, "found in mobilemoney.csv", "in truth/defects.csv",
                     lambda x: "mobilemoney line %d account %s %s" % x)

    # ---------------- 5. summary
    chk = "5. truth/summary.csv = counts of the tables"
    rep.check(chk)
    mine_counts = {}
    for table in ALL_TABLES:
        r = res[table]
        mine_counts[table] = dict(
            lines=r["lines"], records=r["lines"] - len(r["rejected"]), malformed=len(r["rejected"]),
            duplicates=len(r["dups"]),
            unknown_antenna=len(unknown_mine) if table == "cdr" else 0,
            ledger_breaks=len(ledger_mine) if table == "mobilemoney" else 0)
    if len(antennas) != mine_counts["antennas"]["records"]:
        rep.bad(chk, "antennas: %d ids, %d records" % (len(antennas), mine_counts["antennas"]["records"]))
    for table in ALL_TABLES:
        t = t_summary.get(table)
        if t is None:
            rep.bad(chk, "no row for %s" % table)
            continue
        for c, v in mine_counts[table].items():
            if t[c] != str(v):
                rep.bad(chk, "%s %s: summary says %s, counted %d" % (table, c, t[c], v))
    for table in t_summary:
        if table not in ALL_TABLES:
            rep.bad(chk, "row for an unknown table %s" % table)
    # the summary must also agree with truth/defects.csv itself
    for table in ALL_TABLES:
        t = t_summary.get(table)
        if t is None:
            continue
        for c, kind in (("malformed", "malformed"), ("duplicates", "duplicate"),
                        ("unknown_antenna", "unknown_antenna"), ("ledger_breaks", "ledger_break")):
            if t[c] != str(t_defect_count[(table, kind)]):
                rep.bad(chk, "%s %s: summary says %s, truth/defects.csv has %d rows" % (
                    table, c, t[c], t_defect_count[(table, kind)]))

    # ---------------- 6. fraud
    check_fraud(rep, fraud_rows, fci, fraud_n, cited_lines, res, simbox, calls_at, antennas, swaps,
                mm_records, mi, by_caller, t_kind, t_wake, t_planted, dormant_hits, window_epoch,
                tsub_rows, tsci)

    # ---------------- 7. truth/subscribers.csv
    chk = "7. truth/subscribers.csv = subscribers.csv (ids, order, flags)"
    rep.check(chk)
    t_ids = [r[tsci["subscriber_id"]] for r in tsub_rows]
    mine_ids = [s.decode() for s in subs_order]
    if t_ids != mine_ids:
        if len(t_ids) != len(mine_ids):
            rep.bad(chk, "%d truth rows, %d subscribers" % (len(t_ids), len(mine_ids)))
        for k, (a, b) in enumerate(zip(t_ids, mine_ids)):
            if a != b:
                rep.bad(chk, "row %d: truth %s, subscribers.csv %s" % (k + 2, a, b))
    break_accounts = {acct for (_, acct, _) in t_ledger}
    swapped = {s.decode() for s in swaps}
    for k, r in enumerate(tsub_rows):
        if len(r) != tsub_n:
            rep.bad(chk, "row %d has %d fields" % (k + 2, len(r)))
            continue
        sid = r[tsci["subscriber_id"]]
        lb, ss, kind = r[tsci["ledger_break"]], r[tsci["sim_swap"]], r[tsci["kind"]]
        if lb != ("1" if sid in break_accounts else "0"):
            rep.bad(chk, "%s: ledger_break=%s but %s ledger_break defect row" % (
                sid, lb, "has a" if sid in break_accounts else "no"))
        if ss != ("1" if sid in swapped else "0"):
            rep.bad(chk, "%s: sim_swap=%s but %s in sim_swaps.csv" % (
                sid, ss, "is" if sid in swapped else "not"))
        if kind not in ("normal",) + RULES:
            rep.bad(chk, "%s: kind %r" % (sid, kind))
        if (r[tsci["dormant_until"]] != "") != (kind == "dormant_then_active"):
            rep.bad(chk, "%s: kind %s, dormant_until %r" % (sid, kind, r[tsci["dormant_until"]]))
        for c in ("home_antenna", "work_antenna"):
            if r[tsci[c]].encode() not in antennas:
                rep.bad(chk, "%s: %s %s not in antennas.csv" % (sid, c, r[tsci[c]]))
        if r[tsci["wallet"]] == "0" and sid.encode() in money_with_lines:
            rep.bad(chk, "%s: wallet=0 but it has mobile-money records" % sid)
        reg = subs_region.get(sid.encode())
        if reg is not None:
            want = reg if reg else ant_region.get(r[tsci["home_antenna"]].encode(), b"?")
            if want.decode() != r[tsci["region"]]:
                rep.bad(chk, "%s: truth region %s, tables say %s%s" % (
                    sid, r[tsci["region"]], want.decode(),
                    "" if reg else " (home antenna's region)"))
    h, rows = regions_rows
    nsub = Counter(r[tsci["region"]] for r in tsub_rows if len(r) == tsub_n)
    nant = Counter(v.decode() for v in ant_region.values())
    if not rows:
        rep.bad(chk, "truth/regions.csv has no region")
    for k, r in enumerate(rows):
        if len(r) != len(h):
            rep.bad(chk, "truth/regions.csv row %d has %d fields" % (k + 2, len(r)))
            continue
        g = r[h.index("region")]
        if r[h.index("subscribers")] != str(nsub.get(g, 0)) or r[h.index("antennas")] != str(nant.get(g, 0)):
            rep.bad(chk, "truth/regions.csv %s: %s subscribers, %s antennas; counted %d, %d" % (
                g, r[h.index("subscribers")], r[h.index("antennas")], nsub.get(g, 0), nant.get(g, 0)))

    # ---------------- 8. truth/loans.csv
    chk = "8. truth/loans.csv = loans.csv (loan_id, subscriber_id, product, status)"
    rep.check(chk)
    if len(tloan_rows) != len(loans):
        rep.bad(chk, "%d truth rows, %d loans" % (len(tloan_rows), len(loans)))
    t_pd = {r[tsci["subscriber_id"]]: r[tsci["pd"]] for r in tsub_rows if len(r) == tsub_n}
    for k, (r, l) in enumerate(zip(tloan_rows, loans)):
        if len(r) != tloan_n:
            rep.bad(chk, "row %d has %d fields" % (k + 2, len(r)))
            continue
        mine = tuple(r[tlci[c]] for c in ("loan_id", "subscriber_id", "product", "status"))
        if mine != l[1:]:
            rep.bad(chk, "row %d: truth %s, loans.csv line %d %s" % (k + 2, ",".join(mine), l[0], ",".join(l[1:])))
        if r[tlci["pd"]] != t_pd.get(r[tlci["subscriber_id"]]):
            rep.bad(chk, "row %d: pd %s, truth/subscribers.csv says %s" % (
                k + 2, r[tlci["pd"]], t_pd.get(r[tlci["subscriber_id"]])))
    if len({l[1] for l in loans}) != len(loans):
        rep.bad(chk, "loan_id repeated in loans.csv")

    # ---------------- 10. the loan ledger
    check_ledger(rep, D, tpath, need_cols, loan_fields, res, mm_records, mi, tsub_rows, tsci)

    # ---------------- 9. line lengths
    chk = "9. lines over 4096 bytes are exactly the truth line_too_long rows"
    rep.check(chk)
    for table in ALL_TABLES:
        for ln in res[table]["long_lines"]:
            if (table, ln, "line_too_long") not in t_malformed:
                rep.bad(chk, "%s line %d is longer than %d bytes" % (table, ln, MAX_LINE))

    failed = rep.print(sys.stdout)
    total = sum(mine_counts[t]["lines"] for t in ALL_TABLES)
    print("check_truth: %s: %d lines in %d tables, %d truth defect rows, %d fraud rows: %s" % (
        D, total, len(ALL_TABLES), sum(t_defect_count.values()), len(fraud_rows),
        "%d check(s) FAILED" % failed if failed else "all checks passed"))
    return 1 if failed else 0


def check_ledger(rep, D, tpath, need_cols, loan_fields, res, mm_records, mi, tsub_rows, tsci):
    """docs/credit.md section 1 and docs/generator.md ("Loans"): the ledger adds up, stays inside
    [issued, cut], appears in mobile money inside the window one-to-one, and the planted regional
    cycles show in the yearly cohorts' default rates."""
    h, rows = read_csv_text(tpath("ledger"))
    lc = need_cols("ledger", h, ("window_start", "observation_date", "cut_date"))
    day = lambda d: days_from_civil(int(d[0:4]), int(d[5:7]), int(d[8:10]))
    w0, obs, cut = (day(rows[0][lc[c]]) for c in ("window_start", "observation_date", "cut_date"))
    paid, seq = defaultdict(list), []
    chk = "10a. repayments: known loan, inside [issued, cut], in loans.csv order and time order"
    rep.check(chk)
    for ln, lid, ts, cents in res["repayments_rows"]:
        lf = loan_fields.get(lid)
        if lf is None:
            rep.bad(chk, "line %d: unknown loan %s" % (ln, lid))
            continue
        t = epoch(ts)
        if not (day(lf["issued"]) * 86400 <= t < (cut + 1) * 86400) or cents <= 0:
            rep.bad(chk, "line %d: %s %s %d cents outside [issued %s, cut]" % (
                ln, lid, ts.decode(), cents, lf["issued"]))
        if paid[lid] and t < paid[lid][-1][0]:
            rep.bad(chk, "line %d: %s out of time order" % (ln, lid))
        if not seq or seq[-1] != lid:
            seq.append(lid)
        paid[lid].append((t, cents))
    order = [lid for lid in loan_fields if lid in paid]
    if seq != order:
        rep.bad(chk, "repayments.csv does not follow loans.csv's loan order")

    chk = "10b. per loan: repayments + outstanding = amount; repaid = paid up; schedule and limit"
    rep.check(chk)
    for lid, lf in loan_fields.items():
        amount, out = to_cents(lf["amount"].encode()), to_cents(lf["outstanding"].encode())
        total = sum(c for _, c in paid.get(lid, ()))
        n, term = int(lf["installments"]), day(lf["due"]) - day(lf["issued"])
        problems = []
        if total + out != amount:
            problems.append("paid %d + outstanding %d != amount %d" % (total, out, amount))
        if (lf["status"] == "repaid") != (out == 0):
            problems.append("status %s with outstanding %d" % (lf["status"], out))
        if not 1 <= n <= term or not 0 <= float(lf["rate"]) < 10:
            problems.append("schedule n=%d over %d days, rate %s" % (n, term, lf["rate"]))
        if (lf["product"] == "revolving") != (lf["limit"] != "") or (
                lf["limit"] and to_cents(lf["limit"].encode()) < out):
            problems.append("limit %r for a %s owing %d" % (lf["limit"], lf["product"], out))
        if problems:
            rep.bad(chk, "%s: %s" % (lid, "; ".join(problems)))

    chk = "10c. repayments inside the window = mobile money loan_repayment records, one-to-one"
    rep.check(chk)
    borrower = {lid: lf["subscriber_id"].encode() for lid, lf in loan_fields.items()}
    mine = Counter((borrower[lid], t, c) for lid, lst in paid.items() for t, c in lst
                   if w0 * 86400 <= t < obs * 86400)
    theirs = Counter((f[mi["caller_id"]], epoch(f[mi["timestamp"]]), to_cents(f[mi["amount"]]))
                     for f in mm_records.values() if f[mi["txn_type"]] == b"loan_repayment")
    for k in (mine - theirs):
        rep.bad(chk, "repayment %s %d %d cents not in mobilemoney" % (k[0].decode(), k[1], k[2]))
    for k in (theirs - mine):
        rep.bad(chk, "mobilemoney loan_repayment %s %d %d cents not in repayments.csv" % (
            k[0].decode(), k[1], k[2]))

    check_cycles(rep, tpath, need_cols, loan_fields, paid, cut, tsub_rows, tsci)


def check_cycles(rep, tpath, need_cols, loan_fields, paid, cut, tsub_rows, tsci):
    """truth/loans.csv's history loans: the issue PD is the person's PD shifted by the region-year
    cycle of truth/cycles.csv; the repayment counts and statuses agree with the tables; each
    region-year cohort defaults as planted (within 5 sigma), and the cohorts' default rates move
    with the planted cycle."""
    h, rows = read_csv_text(tpath("cycles"))
    cc = need_cols("cycles", h, ("region", "year", "shift"))
    shift = {(r[cc["region"]], int(r[cc["year"]])): float(r[cc["shift"]]) for r in rows}
    h, rows = read_csv_text(tpath("loans"))
    tc = need_cols("loans", h, ("loan_id", "subscriber_id", "after_window", "status",
                                "eventual_default", "pd", "issue_pd", "cycle_year", "default_day",
                                "repayments"))
    region = {r[tsci["subscriber_id"]]: r[tsci["region"]] for r in tsub_rows}
    chk = "10d. truth/loans.csv: issue PD = person's PD with the region-year cycle; counts; statuses"
    rep.check(chk)
    # (region, year) -> defaults; sum and variance of the planted issue PDs; the same of the
    # persons' PDs without the cycle
    cell = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0])
    for r in rows:
        lid = r[tc["loan_id"]]
        if len(paid.get(lid, ())) != int(r[tc["repayments"]]):
            rep.bad(chk, "%s: %s repayments in truth, %d in repayments.csv" % (
                lid, r[tc["repayments"]], len(paid.get(lid, ()))))
        if r[tc["after_window"]] == "1":
            continue
        p, q, y = float(r[tc["pd"]]), float(r[tc["issue_pd"]]), int(r[tc["cycle_year"]])
        g = region[r[tc["subscriber_id"]]]
        want = 1 / (1 + math.exp(-(math.log(p / (1 - p)) + shift[(g, y)])))
        if abs(want - q) > 2e-6:
            rep.bad(chk, "%s: issue_pd %s, recomputed %.6f" % (lid, r[tc["issue_pd"]], want))
        dd = r[tc["default_day"]]
        declared = bool(dd) and days_from_civil(int(dd[0:4]), int(dd[5:7]), int(dd[8:10])) <= cut
        if declared != (r[tc["status"]] in ("default", "written_off", "restructured")):
            rep.bad(chk, "%s: default day %r, status %s" % (lid, dd, r[tc["status"]]))
        c = cell[(g, y)]
        c[0] += r[tc["eventual_default"]] == "1"
        c[1] += q
        c[2] += q * (1 - q)
        c[3] += p
        c[4] += p * (1 - p)

    chk = "10e. yearly default rates per region differ as planted"
    rep.check(chk)
    for (g, y), (d, e, v, _, _) in sorted(cell.items()):
        if v > 0 and abs(d - e) > 5 * math.sqrt(v):
            rep.bad(chk, "%s %d: %d defaults, %.1f planted" % (g, y, d, e))
    # The cohorts' defaults against what the persons' PDs alone would give (no cycle) and against
    # the planted issue PDs: the cycle must explain the cohorts apart (chi-square without it at
    # least twice the cells, its expectation under no cycle; with it, at most half that).
    cells = [c for c in cell.values() if c[2] > 0 and c[4] > 0]
    planted = sum((c[0] - c[1]) ** 2 / c[2] for c in cells)
    flat = sum((c[0] - c[3]) ** 2 / c[4] for c in cells)
    if not cells or flat < 2 * len(cells) or planted > flat / 2:
        rep.bad(chk, "chi-square over %d region-year cohorts: %.1f against the persons' PDs alone, "
                     "%.1f against the planted cycle" % (len(cells), flat, planted))


def check_fraud(rep, fraud_rows, fci, fraud_n, cited_lines, res, simbox, calls_at, antennas, swaps,
                mm_records, mi, by_caller, t_kind, t_wake, t_planted, dormant_hits, window_epoch,
                tsub_rows, tsci):
    chk = "6. fraud rows hold in the tables"
    rep.check(chk)
    per_rule = Counter()
    cdr_idx = res["cdr"].get("idx", {})

    def bad(r, msg):
        rep.bad(chk, "%s: %s" % (",".join(r), msg))

    seen = set()
    for r in fraud_rows:
        if len(r) != fraud_n:
            bad(r, "row has %d fields" % len(r))
            continue
        rule, sid_s, ts_s, table, line, evs = (r[fci[c]] for c in (
            "rule", "subscriber_id", "timestamp", "table", "line", "evidence"))
        if rule not in RULES:
            bad(r, "unknown rule")
            continue
        per_rule[rule] += 1
        if (rule, sid_s) in seen:
            bad(r, "a second row for this rule and subscriber")
        seen.add((rule, sid_s))
        if t_kind.get(sid_s) != rule:
            bad(r, "truth/subscribers.csv kind is %r" % t_kind.get(sid_s))
        sid, ts = sid_s.encode(), ts_s.encode()
        try:
            ev = parse_evidence(evs)
            ln = int(line)
        except ValueError as e:
            bad(r, "unparsable: %s" % e)
            continue
        want_table = "cdr" if rule == "simbox" else "mobilemoney"
        if table != want_table:
            bad(r, "cites table %s, expected %s" % (table, want_table))
            continue
        if ln in res[table]["rejected"]:
            bad(r, "cited line is malformed (%s)" % res[table]["rejected"][ln])
            continue
        got = cited_lines[table].get(ln)
        if got is None:
            bad(r, "cited line %d does not exist" % ln)
            continue
        f, raw, dup = got
        if dup:
            bad(r, "cited line is a duplicate")
        idx = cdr_idx if table == "cdr" else mi
        if f[idx["caller_id"]] != sid or f[idx["timestamp"]] != ts:
            bad(r, "cited line is %s" % show(raw))
            continue
        if not valid_ts(ts):
            bad(r, "bad timestamp")
            continue
        t0 = epoch(ts)
        try:
            if rule == "simbox":
                s = simbox[sid]
                want = int(ev["outgoing_calls"])
                if s["out"] != want:
                    bad(r, "outgoing CDRs %d, evidence %d" % (s["out"], want))
                if s["incoming"]:
                    bad(r, "%d incoming CDRs" % s["incoming"])
                if s["texts"]:
                    bad(r, "%d texts" % s["texts"])
                if len(s["recips"]) < 50:
                    bad(r, "only %d distinct recipients" % len(s["recips"]))
                if s["first"] is None or s["first"][0] != ln:
                    bad(r, "first outgoing CDR is %s, not line %d" % (s["first"], ln))
                if f[cdr_idx["txn_type"]] != b"call":
                    bad(r, "cited line is not a call")
                continue
            typ = f[mi["txn_type"]]
            if rule == "account_takeover":
                swap = ev["swap"].encode()
                share = Decimal(ev["cashout_share"])
                if swap not in swaps.get(sid, []):
                    bad(r, "sim_swaps.csv has no swap of this subscriber at %s (has %s)" % (
                        ev["swap"], [x.decode() for x in swaps.get(sid, [])]))
                if typ != b"cashout":
                    bad(r, "cited line is a %s, not a cashout" % typ.decode())
                dt = t0 - epoch(swap)
                if not 0 < dt <= 6 * 3600:
                    bad(r, "cash-out %d s after the swap" % dt)
                before = to_cents(f[mi["sender_balance_before"]]) if f[mi["sender_balance_before"]] else 0
                amount = to_cents(f[mi["amount"]])
                real = amount / before if before else float("inf")
                if abs(real - float(share)) > 0.001 + 1e-9:
                    bad(r, "amount/balance_before = %.4f, evidence %s" % (real, share))
                if real < 0.8:
                    bad(r, "cash-out share %.4f < 0.8" % real)
            elif rule == "impossible_travel":
                call = ev["call"].encode()
                ca, pa, km = ev["call_antenna"].encode(), ev["payment_antenna"].encode(), float(ev["km"])
                if typ != b"merchant":
                    bad(r, "cited line is a %s, not a merchant payment" % typ.decode())
                if f[mi["antenna_id"]] != pa:
                    bad(r, "payment antenna is %r, evidence %s" % (f[mi["antenna_id"]].decode(), ev["payment_antenna"]))
                hits = calls_at.get((sid, call), [])
                if not any(a == ca for _, a in hits):
                    bad(r, "no cdr call by it at %s from %s (found %s)" % (
                        ev["call"], ev["call_antenna"], [(l, a.decode()) for l, a in hits]))
                if not valid_ts(call):
                    bad(r, "bad call timestamp")
                else:
                    dt = t0 - epoch(call)
                    if not 0 < dt <= 1800:
                        bad(r, "payment %d s after the call" % dt)
                if ca not in antennas or pa not in antennas:
                    bad(r, "antenna not in antennas.csv")
                else:
                    d = haversine_km(*antennas[ca], *antennas[pa])
                    if abs(d - km) > 0.1:
                        bad(r, "haversine distance %.3f km, evidence %s" % (d, ev["km"]))
                    if d < 400:
                        bad(r, "distance %.1f km < 400" % d)
            elif rule == "velocity":
                n, span = int(ev["payments"]), int(ev["span_s"])
                if typ != b"merchant":
                    bad(r, "cited line is a %s, not a merchant payment" % typ.decode())
                end = ts_of_epoch(t0 + span).encode()
                inside = [x for x in by_caller.get(sid, []) if x[1] == b"merchant" and ts <= x[0] <= end]
                if len(inside) != n:
                    bad(r, "%d merchant payments in [%s, %s], evidence %d" % (len(inside), ts_s, end.decode(), n))
                if not any(x[0] == end for x in inside):
                    bad(r, "no merchant payment at the span's end %s" % end.decode())
                if span > 3600 or span < 0:
                    bad(r, "span_s %d outside [0, 3600]" % span)
                if n < 12:
                    bad(r, "payments %d < 12" % n)
            elif rule == "dormant_then_active":
                n, span, days = int(ev["cashouts"]), int(ev["span_s"]), int(ev["dormant_days"])
                wake = t_wake.get(sid)
                if wake is None:
                    bad(r, "no dormant_until in truth/subscribers.csv")
                    continue
                if str(days) != next(x[tsci["dormant_until"]] for x in tsub_rows
                                     if x[tsci["subscriber_id"]] == sid_s):
                    bad(r, "dormant_days %d differs from truth/subscribers.csv" % days)
                if typ != b"cashout":
                    bad(r, "cited line is a %s, not a cashout" % typ.decode())
                if ts < wake:
                    bad(r, "cited line is before the wake-up %s" % wake.decode())
                end = ts_of_epoch(t0 + span).encode()
                outs = [x for x in by_caller.get(sid, []) if x[1] == b"cashout"]
                inside = [x for x in outs if ts <= x[0] <= end]
                earlier = [x for x in outs if x[0] < ts]
                if len(inside) != n:
                    bad(r, "%d cash-outs in [%s, %s], evidence %d" % (len(inside), ts_s, end.decode(), n))
                if not any(x[0] == end for x in inside):
                    bad(r, "no cash-out at the span's end %s" % end.decode())
                if earlier:
                    bad(r, "an earlier cash-out by it on line %d" % earlier[0][2])
        except (KeyError, ValueError) as e:
            bad(r, "evidence %r lacks or garbles %s" % (evs, e))

    chk = "6b. dormant_then_active accounts absent before their wake-up day"
    rep.check(chk)
    for m in dormant_hits:
        rep.bad(chk, m)

    chk = "6c. truth/planted.csv = fraud rows per rule = truth/subscribers kinds"
    rep.check(chk)
    kinds = Counter(t_kind.values())
    for rule in RULES:
        p = t_planted.get(rule)
        if p != str(per_rule[rule]) or p != str(kinds[rule]):
            rep.bad(chk, "%s: planted.csv %s, fraud rows %d, truth/subscribers rows %d" % (
                rule, p, per_rule[rule], kinds[rule]))
    for rule in t_planted:
        if rule not in RULES:
            rep.bad(chk, "planted.csv has an unknown rule %s" % rule)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
