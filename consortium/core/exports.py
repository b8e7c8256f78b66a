"""Spreadsheet exports: CSV that French spreadsheets open as is, and plain XLSX files.

`safe_cell` neutralises formulas in CSV text (a cell starting with =, +, -, @, a tab or
a carriage return is run as a formula by spreadsheets: CSV injection). XLSX cells are
written as inline strings or numbers, never formulas, so they need no such prefix.
XLSX files are written by openpyxl in its streaming (write-only) mode.
"""

import csv
import re
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value) -> str:
    """Text that a spreadsheet will not run as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def csv_response(*, filename: str, header: list, rows) -> HttpResponse:
    """A CSV download French Excel opens as is (BOM, semicolons), formulas neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Feuille"


def _cell(sheet, value) -> WriteOnlyCell:
    """Numbers as numbers; everything else as text, never a formula (openpyxl would take
    a text starting with "=" for one), without the characters XML refuses."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def xlsx_bytes(sheets: list[tuple[str, list[list]]]) -> bytes:
    """An .xlsx workbook (openpyxl, streamed) with one sheet per (name, rows)."""
    workbook = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = workbook.create_sheet(_sheet_name(name))
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, sheets: list[tuple[str, list[list]]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
