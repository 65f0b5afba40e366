#!/usr/bin/env python3
"""Independent oracle for features.set = basic: recomputes the thirteen basic CDR features of
every registered subscriber from the generated cdr.csv (docs/indicators.md's definitions, written
afresh here) and compares them with the run file's.

Usage: check_basic.py DATA_DIR RUN.h5 [--seed 42] [--timezone NAME]

--timezone: the run's run.timezone; night and days are then read on that zone's clock, the
offsets taken from Python's zoneinfo (its own reader of the tz database, not telrisk's).

The accepted CDRs are the lines that truth/defects.csv does not list as malformed, each exact
repeat dropped (check_run.accepted_records); each counts for both parties. Counts must be equal,
the rest within 1e-9 relative (1e-12 absolute under 1e-3); NaN where a share or mean has nothing.
"""
import calendar
import math
import os
import sys
from collections import Counter, defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

sys.path.insert(0, os.path.dirname(__file__))
from check_run import accepted_records, malformed_lines, subscriber_keys  # noqa: E402

import h5py  # noqa: E402

COUNTS = ("interactions_in", "interactions_out", "calls", "texts", "active_days", "contacts",
          "antennas")
ORDER = ("interactions_in", "interactions_out", "calls", "texts", "active_days", "contacts",
         "call_duration_mean", "call_duration_std", "percent_nocturnal", "percent_initiated",
         "antennas", "entropy_of_contacts", "interevent_time_mean")


def epoch(ts):
    d, t = ts.split(" ")
    y, mo, da = map(int, d.split("-"))
    h, mi, s = map(int, t.split(":"))
    return calendar.timegm((y, mo, da, h, mi, s, 0, 0, 0))


def local_clock(zone):
    """UTC seconds -> the zone's local clock, in seconds since its 1970-01-01 00:00."""
    if zone is None:
        return lambda t: t
    import datetime
    import zoneinfo
    zi = zoneinfo.ZoneInfo(zone)

    def local(t):
        d = datetime.datetime.fromtimestamp(t, tz=datetime.timezone.utc).astimezone(zi)
        return t + int(d.utcoffset().total_seconds())
    return local


def features(events, known, local):
    """events: (t, other, is_call, duration, outgoing, antenna) of one subscriber."""
    n = len(events)
    nan = math.nan
    if n == 0:
        return dict(interactions_in=0, interactions_out=0, calls=0, texts=0, active_days=0,
                    contacts=0, call_duration_mean=nan, call_duration_std=nan,
                    percent_nocturnal=nan, percent_initiated=nan, antennas=0,
                    entropy_of_contacts=nan, interevent_time_mean=nan)
    out = sum(e[4] for e in events)
    durations = [e[3] for e in events if e[2]]
    times = sorted(e[0] for e in events)
    per_contact = Counter(e[1] for e in events)
    clock = [local(e[0]) for e in events]
    night = sum(1 for c in clock if c % 86400 >= 19 * 3600 or c % 86400 < 7 * 3600)
    mean = sum(durations) / len(durations) if durations else nan
    std = math.sqrt(sum((d - mean) ** 2 for d in durations) / len(durations)) if durations else nan
    return dict(
        interactions_in=n - out, interactions_out=out, calls=len(durations),
        texts=n - len(durations), active_days=len({c // 86400 for c in clock}),
        contacts=len(per_contact), call_duration_mean=mean, call_duration_std=std,
        percent_nocturnal=night / n, percent_initiated=out / n,
        antennas=len({e[5] for e in events if e[5] in known}),
        entropy_of_contacts=math.log(n) - sum(c * math.log(c) for c in per_contact.values()) / n,
        interevent_time_mean=(times[-1] - times[0]) / (n - 1) if n > 1 else nan)


def agree(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    scale = max(abs(a), abs(b))
    return abs(a - b) <= (1e-9 * scale if scale >= 1e-3 else 1e-12)


def main():
    data_dir, run_path = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 42
    zone = sys.argv[sys.argv.index("--timezone") + 1] if "--timezone" in sys.argv else None
    local = local_clock(zone)
    key = subscriber_keys(seed)
    with open(f"{data_dir}/antennas.csv") as f:
        known = {line.split(",")[0] for line in list(f)[1:]}
    events = defaultdict(list)
    for r in accepted_records(data_dir, "cdr", malformed_lines(data_dir)):
        txn, caller, recipient, ts, duration, a_caller, a_recipient = r[:7]
        t = epoch(ts)
        call = txn == "call"
        d = int(Decimal(duration).to_integral_value(ROUND_HALF_EVEN)) if call else 0
        events[caller].append((t, recipient, call, d, 1, a_caller))
        events[recipient].append((t, caller, call, d, 0, a_recipient))
    with open(f"{data_dir}/subscribers.csv") as f:
        register = [line.split(",")[0] for line in list(f)[1:]]
    with h5py.File(run_path, "r") as h:
        keys = h["subscribers/key"][:]
        values = h["subscribers/features"][:]
        names = [n.decode() if isinstance(n, bytes) else str(n)
                 for n in h["subscribers/features"].attrs["names"]]
    if tuple(names) != ORDER:
        sys.exit(f"check_basic: features {names}, expected {ORDER}")
    row = {int(k): i for i, k in enumerate(keys)}
    bad = checked = 0
    for sid in register:
        i = row.get(key(sid))
        if i is None:
            bad += 1
            if bad <= 10:
                print(f"check_basic: registered subscriber {sid[:3]}... has no row")
            continue
        want = features(events.get(sid, []), known, local)
        for c, name in enumerate(ORDER):
            got = float(values[i, c])
            ok = got == want[name] if name in COUNTS else agree(got, want[name])
            checked += 1
            if not ok:
                bad += 1
                if bad <= 10:
                    print(f"check_basic: {sid[:3]}... {name}: run {got!r}, expected {want[name]!r}")
    print(f"check_basic: {len(register)} subscribers, {checked} values recomputed"
          f" ({zone or 'UTC'}): {bad} disagreements")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
