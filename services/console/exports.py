"""Downloads: CSV with a UTF-8 byte-order mark (so Excel shows Chinese), xlsx through openpyxl, and
JSON lines. Rates stay numbers: Excel formats them as percentages, a CSV reader gets fractions."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

BOM = "\ufeff"
Sheet = tuple[str, list[str], Iterable[list[Any]]]


def csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return out.getvalue()


def xlsx_bytes(sheets: list[Sheet], percent_columns: dict[str, set[int]] | None = None) -> bytes:
    """One worksheet per (title, header, rows); columns named in ``percent_columns`` show as 0.0%."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])  # Excel's limit on sheet names
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        for column in (percent_columns or {}).get(title, set()):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.number_format = "0.0%"
        for index, name in enumerate(header, 1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(str(name)) * 2 + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, default=str) + "\n"
