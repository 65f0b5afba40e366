#!/usr/bin/env python3
"""Writes the hostile cases that cannot be stored as text in the repository: CRLF and BOM files,
files without a final newline or cut mid-line, NUL bytes, binary garbage (a fixed seed), lines of
1 MiB and 20 MiB, a line of exactly 4,096 bytes, ids thousands of bytes long, empty files and
lone-CR line ends. The same bytes every time.

usage: make_cases.py DIR   (the cases go into DIR, beside the copies of cases/*.csv)
"""
import os
import random
import sys

CDR = b"txn_type,caller_id,recipient_id,timestamp,duration,caller_antenna,recipient_antenna,international"
MM = (b"txn_id,txn_type,caller_id,recipient_id,timestamp,amount,sender_balance_before,"
      b"sender_balance_after,recipient_balance_before,recipient_balance_after,antenna_id")


def cdr(n, when=b"2020-03-03 09:33:51", caller=b"255700000001", recipient=b"255700000002"):
    """A valid CDR line (n varies the duration, so no two are duplicates)."""
    return b"call,%s,%s,%s,%d,A00003,A00001,0" % (caller, recipient, when, 60 + n)


def mm(n, amount=b"17.00", antenna=b"A00005"):
    return (b"T%02d,p2p,255700000001,255700000002,2020-03-04 10:56:03,%s,22.00,5.00,52.00,69.00,%s"
            % (n, amount, antenna))


def lines(*ls, end=b"\n", last=True):
    """Lines joined by end; last=False leaves the last one without its line end."""
    return end.join(ls) + (end if last else b"")


def garbage(seed, size):
    return random.Random(seed).randbytes(size)


def cases():
    c = {}
    # Line ends and BOMs: all read as plain lines.
    c["cdr_crlf.csv"] = lines(CDR, cdr(1), cdr(2), cdr(3, b"2020-02-30 09:33:51"), b"", cdr(4),
                              end=b"\r\n")
    c["cdr_bom.csv"] = b"\xef\xbb\xbf" + lines(CDR, cdr(1), cdr(2))
    c["mobilemoney_bom_crlf.csv"] = b"\xef\xbb\xbf" + lines(MM, mm(1), mm(2, b"-1.00"), mm(3),
                                                            end=b"\r\n", last=False) + b"\r"
    c["cdr_no_final_newline.csv"] = lines(CDR, cdr(1), cdr(2), last=False)
    # Files cut mid-line: the cut line is rejected when fields are missing, but a cut inside the
    # last field leaves a line that parses (an antenna id cut short is an unknown antenna): the
    # missing final newline is then the only sign, which the run warns about.
    c["cdr_truncated.csv"] = lines(CDR, cdr(1), cdr(2)) + cdr(3)[:25]
    c["mobilemoney_truncated_amount.csv"] = lines(MM, mm(1), mm(2)) + mm(3)[:57]
    c["mobilemoney_truncated_antenna.csv"] = lines(MM, mm(1), mm(2)) + mm(3)[:-2]
    # NUL bytes: in a field, a whole line of them, and before a quote (NUL is checked first).
    c["cdr_nul.csv"] = lines(CDR, cdr(1), cdr(2, caller=b"2557\x0000001"), b"\x00" * 40,
                             cdr(3, caller=b"\"2557\x00\""), cdr(4))
    # Binary garbage after a good header: every line rejected, the run stops on the reject rate
    # (the default 1%), naming the file; and garbage from the first byte: no header.
    c["cdr_garbage.csv"] = CDR + b"\n" + garbage(7, 65536)
    c["mobilemoney_garbage.csv"] = MM + b"\n" + garbage(8, 65536)
    c["cdr_garbage_header.csv"] = garbage(9, 4096)
    # Binary lines among good ones: high bytes without a comma (missing_field), high bytes with
    # the header's 7 commas (unknown_txn_type), and a good line whose caller id is not UTF-8
    # (accepted: an id is its bytes; the excerpt would show '?').
    hi = bytes(range(0x80, 0x100))
    c["cdr_binary_lines.csv"] = lines(CDR, cdr(1), hi, b",".join([hi[:16]] * 8), cdr(2),
                                      cdr(3, caller=b"2557\xff\xfe0001"), cdr(4))
    # A 1 MiB line (a recipient "id" of a million digits) and a 20 MiB one (longer than the
    # reader's 16 MiB buffer: its other path), between good lines. At 2 ranks the ranks' byte
    # ranges meet inside the long line.
    c["cdr_1mb_line.csv"] = lines(CDR, cdr(1), cdr(2, recipient=b"9" * (1 << 20)), cdr(3))
    c["cdr_20mb_line.csv"] = lines(CDR, cdr(1), b"call,255700000001," + b"x" * (20 << 20), cdr(2))
    # Lines at the limit: 4,096 bytes (accepted: a caller id of 4,033 bytes) and 4,097.
    base = len(cdr(0, caller=b""))
    c["cdr_line_4096.csv"] = lines(CDR, cdr(1, caller=b"7" * (4096 - base)),
                                   cdr(2, caller=b"7" * (4097 - base)), cdr(3))
    # Long ids well within a line: accepted (keyed like any id).
    long_ids = b"T%s,p2p,%s,255700000002,2020-03-04 10:56:03,1.00,22.00,21.00,,,A00005" % (
        b"9" * 1000, b"2" * 2000)
    c["mobilemoney_long_ids.csv"] = lines(MM, mm(1), long_ids, mm(3))
    # Empty files: a table with no header and no lines. For the antennas, an error.
    c["cdr_empty.csv"] = b""
    c["mobilemoney_empty.csv"] = b""
    c["antennas_empty.csv"] = b""
    # Lines ending in a lone CR (old Mac): the whole file is one header line.
    c["cdr_cr_only.csv"] = lines(CDR, cdr(1), cdr(2), end=b"\r")
    # Issue 18: text that reaches the run file's UTF-8 strings (an antenna's id, tower and region)
    # must be UTF-8. One good antenna per region of the country first (the register needs them).
    good = [b"A%05d,T%05d,%s,%s,%s" % (k, k, lat, lon, region) for k, (lat, lon, region) in
            enumerate([(b"-9.218097", b"31.009442", b"Kilima"), (b"-9.130559", b"31.036938",
                                                                   b"Mlimani"),
                       (b"-6.5", b"35.1", b"Mvuli"), (b"-5.5", b"33.2", b"Nyanda"),
                       (b"-7.1", b"39.2", b"Pwani"), (b"-2.5", b"32.9", b"Ziwani")])]
    c["antennas_encoding.csv"] = lines(
        b"antenna_id,tower_id,latitude,longitude,region", *good,
        b"A00010,T00010,-9.2,31.0,Kil\xe9ma",                 # Latin-1 region
        b"A0\xe911,T00011,-9.2,31.0,Kilima",                  # Latin-1 antenna id
        b"A00012,T\xe912,-9.2,31.0,Kilima",                   # Latin-1 tower id
        b"A00013,T00013,-9.2,31.0,R\xc3\xa9gion \xc3\x8ele",  # UTF-8: a region of its own
        b"A00014,T00014,-9.2,31.0,Kilima\xc3",                # a cut sequence
        b"A00015,T00015,-9.2,31.0,Kilima\xc0\xaf",            # an overlong '/'
        b"A00016,T00016,-9.2,31.0,Kil\xe9ma_" + b"x" * 30,     # 37 bytes: bad_value first
        b"A00017,T00017,91.0,31.0,Kil\xe9ma",                 # latitude 91: bad_value first
        b"A00018,T00018,-9.2,31.0,\xed\xa0\x80")              # a surrogate
    return c


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in cases().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
