#!/usr/bin/env python3
"""Writes the hostile cases that cannot be stored as text in the repository: CRLF and BOM files,
files without a final newline or cut mid-line, NUL bytes, binary garbage (a fixed seed), lines of
1 MiB and 20 MiB, a line of exactly 4,096 bytes, ids thousands of bytes long, empty files and
lone-CR line ends; and, for issue 18, gzip files and folders of parts (Spark's among them), a FIFO,
a cut gzip stream, UTF-16, tab-separated and zip files, and a path with a comma. The same bytes
every time.

usage: make_cases.py DIR   (the cases go into DIR, beside the copies of cases/*.csv)
"""
import gzip
import io
import os
import random
import sys
import zipfile

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


LOANS = b"loan_id,subscriber_id,product,issued,due,amount,outstanding,status,lgd,pd"
SIM_SWAPS = b"subscriber_id,timestamp"
RECHARGES = b"caller_id,amount,timestamp"


def gz(data):
    """gzip bytes without a timestamp or name: the same bytes every time."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def loan(n, status=b"repaid"):
    return b"LN%02d,2557000000%02d,microloan,2020-04-19,2020-05-20,35.00,0.00,%s,0.68," % (
        n, n, status)


def zipped(name, data):
    """A zip archive holding one file, with a fixed date."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def issue18_cases():
    """Files of issue 18 ("every file accounted for"): {relative path: bytes}; a path with a '/'
    is a file in a folder of parts."""
    c = {}
    # A gzip file: read as its text is, line numbers and rejects as for the plain file.
    c["cdr_gzip.csv.gz"] = gz(lines(CDR, cdr(1), cdr(2), cdr(3, b"2020-02-30 09:33:51"), b"",
                                    cdr(4), end=b"\r\n"))
    # A folder of parts, one plain and one gzip: each file's lines accounted for.
    c["cdr_parts/part-1.csv"] = lines(CDR, cdr(1), cdr(2))
    c["cdr_parts/part-2.csv.gz"] = gz(lines(CDR, cdr(5), b"x\x00y", cdr(6), last=False))
    # Spark's output folder named like a file: parts, _SUCCESS and .crc files (ignored).
    c["spark_loans.csv/part-00000.csv.gz"] = gz(lines(LOANS, loan(1), loan(2), loan(3)))
    c["spark_loans.csv/part-00001.csv.gz"] = gz(lines(LOANS, loan(4, b"default"), b"LN05,oops"))
    c["spark_loans.csv/_SUCCESS"] = b""
    c["spark_loans.csv/.part-00000.csv.gz.crc"] = b"crc\x00\x01"
    # A folder with a file no rule reads or ignores.
    c["cdr_stray/part-1.csv"] = lines(CDR, cdr(1))
    c["cdr_stray/notes.txt"] = b"where these parts came from\n"
    # A folder beside the file of the same table.
    c["cdr_beside/part-1.csv"] = lines(CDR, cdr(1))
    # A gzip stream cut short: 200 lines compressed, the file cut to half its bytes.
    whole = gz(lines(CDR, *[cdr(k) for k in range(200)]))
    c["cdr_gzip_cut.csv.gz"] = whole[:len(whole) // 2]
    # Other encodings, separators and archives: the header error says what the file looks like.
    text = lines(RECHARGES, b"255700000001,5.00,2020-03-15 12:04:46")
    c["recharges_utf16.csv"] = text.decode().encode("utf-16")  # with its BOM, little-endian
    c["recharges_tabs.csv"] = text.replace(b",", b"\t")
    c["cdr_zip.csv"] = zipped("cdr.csv", lines(CDR, cdr(1)))
    # A path with a comma in its name, and a header alone (an empty table).
    c["sim_swaps,comma.csv"] = lines(SIM_SWAPS, b"255700000001,2020-03-07 18:36:46",
                                     b"255700000002,2020-03-08 10:00:00")
    c["sim_swaps_header_alone.csv"] = lines(SIM_SWAPS)
    return c


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    made = cases()
    made.update(issue18_cases())
    for name, data in made.items():
        os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    # A FIFO: opening it for reading would wait for a writer forever.
    fifo = os.path.join(out, "sim_swaps_fifo.csv")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)


if __name__ == "__main__":
    main()
