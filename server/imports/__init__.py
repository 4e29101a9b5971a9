"""CSV import of customers, sites and assets (see csv_import.py)."""

from __future__ import annotations

from server.imports.csv_import import ImportFileError, ImportResult, RowError, import_csv
from server.imports.rows import KINDS

__all__ = ["KINDS", "ImportFileError", "ImportResult", "RowError", "import_csv"]
