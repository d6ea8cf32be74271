"""Benchmark: the ranking sheet's rows written alone (no database, no HTTP) by the exports' writer
(`backend.core.xlsx_stream`: XlsxWriter, constant_memory) and, for comparison, by openpyxl's
write-only mode through its public API at its fastest (one named style per look, one styled cell
per column refilled for each row) — the library the exports used before. openpyxl stays a
dependency (it reads the imported workbooks), so the comparison can be re-run at any time.

Both write the same 9 columns and looks (thin borders, number formats, a wrapped column) to an
anonymous temporary file. Each writer runs in a fresh child process (imports done before the
clock starts), best of --runs; tracemalloc's peak is taken in a separate run.

Run: .venv/bin/python bench/xlsx_writers.py [--rows 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.ranking.rows import RankingRow
from backend.ranking.sheet import HEADERS, RankingExport, write_ranking

GROUP = "municipal:resident:section_chief"


def _rows(count: int) -> list[RankingRow]:
    return [
        RankingRow(group_key=GROUP, position=i, rank=i, secretary_id=i, name=f"书记{i:05d}", township_id=1,
                   township_name="基准镇", village_id=i, village_name=f"基准村{i:05d}", target_centi=9000 + i % 900,
                   satisfaction_num=90, satisfaction_den=100, total_centi=8100, rankable=i % 20 != 0, grade=None,
                   reason=None if i % 20 else "参评人数不足应参评人数的三分之二，测评无效，不参与排名", reason_code=None)
        for i in range(1, count + 1)
    ]  # fmt: skip


def _ours(rows: list[RankingRow], out: IO[bytes]) -> None:
    from backend.core.xlsx_stream import Book

    book = Book(out)
    export = RankingExport(county_name="基准县", period="2026", township=None, group_key=None, snapshot=None)
    write_ranking(book, export, iter(rows), datetime.now(UTC))
    book.save()


def _openpyxl(rows: list[RankingRow], out: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("排名")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def cell(value: object, name: str, **look: object) -> WriteOnlyCell:
        if name not in workbook.named_styles:
            workbook.add_named_style(NamedStyle(name=name, border=border, **look))  # type: ignore[arg-type]
        out = WriteOnlyCell(sheet, value=value)
        out.style = name
        return out

    title = WriteOnlyCell(sheet, value="标题")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([cell(h, "header", font=Font(bold=True)) for h in HEADERS])
    number, percent = {"number_format": "0.00"}, {"number_format": "0.00%"}
    wrap = {"alignment": Alignment(vertical="center", wrap_text=True)}
    cells = [
        cell(None, "plain"), cell(None, "plain"), cell(None, "plain"), cell(None, "plain"), cell(None, "n", **number),
        cell(None, "p", **percent), cell(None, "n", **number), cell(None, "plain"), cell(None, "w", **wrap),
    ]  # fmt: skip
    for row in rows:
        values = (row.rank, row.name, row.village_name, row.township_name, (row.target_centi or 0) / 100, 0.9,
                  (row.total_centi or 0) / 100, None, row.reason)  # fmt: skip
        for each, value in zip(cells, values, strict=True):
            each.value = value
        sheet.append(cells)  # a write-only sheet writes the row now: the cells are free again
    workbook.save(out)


def child(writer: str, count: int, runs: int) -> dict[str, float]:
    write = {"ours": _ours, "openpyxl": _openpyxl}[writer]
    rows = _rows(count)
    best = float("inf")
    size = 0
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            write(rows, out)
            best = min(best, time.perf_counter() - started)
            size = out.tell()
    tracemalloc.start()
    with tempfile.TemporaryFile() as out:
        write(rows, out)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": best, "bytes": size, "traced_peak_mb": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows, args.runs)))
        return
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}; {args.rows} rows")
    results = {}
    for writer, what in (("ours", "the exports (XlsxWriter, constant_memory)"), ("openpyxl", "openpyxl write-only")):
        done = subprocess.run(
            [sys.executable, __file__, "--child", writer, "--rows", str(args.rows), "--runs", str(args.runs)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(f"  {what}: not run ({done.stderr.strip().splitlines()[-1]})")
            continue
        r = results[writer] = json.loads(done.stdout)
        print(
            f"  {what}: {r['seconds'] * 1000:7.0f} ms (best of {args.runs}) | {r['bytes'] / 1024:6.0f} KiB | "
            f"tracemalloc peak {r['traced_peak_mb']:4.1f} MiB"
        )
    if len(results) == 2:
        print(f"  openpyxl ÷ ours: {results['openpyxl']['seconds'] / results['ours']['seconds']:.2f}x the time")
    print(f"  load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
