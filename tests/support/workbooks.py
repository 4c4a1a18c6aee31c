"""XLSX workbooks built in tests (plan files with several sheets)."""
from __future__ import annotations

import io


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An XLSX file with one sheet per entry, rows as given (the first row is the header)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
