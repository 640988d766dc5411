"""Importing enterprise files (DOMAIN.md §2 "Import format"): CSV or Excel, all or nothing.

- `format`: the columns and headers, row errors and the result;
- `reading`: a file's rows (CSV encodings, workbooks);
- `cells`: parsing and validating each cell against the reference tables;
- `staging`: the staging table and the set-based SQL that matches and writes;
- `run`: `import_enterprises`, the two phases (validate and stage, then write);
- `jobs`: import jobs (upload, run, progress, outcome).
"""

from chainlead.registry.importers.cells import (
    References,
    _parser,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
)
from chainlead.registry.importers.format import (
    CHINESE_HEADERS,
    COLUMNS,
    COLUMNS_BY_NAME,
    ENGLISH_HEADERS,
    Column,
    ImportFileError,
    ImportResult,
    Progress,
    RowError,
    map_headers,
    write_csv_rows,
)
from chainlead.registry.importers.jobs import (
    SUPPORTED_SUFFIXES,
    finish_job,
    follow_up,
    import_job_create,
    import_jobs_fail_stale,
    run_job,
)
from chainlead.registry.importers.reading import file_sha256, open_rows
from chainlead.registry.importers.run import import_enterprises
from chainlead.registry.importers.staging import _search_keys

__all__ = [
    "CHINESE_HEADERS",
    "COLUMNS",
    "COLUMNS_BY_NAME",
    "ENGLISH_HEADERS",
    "SUPPORTED_SUFFIXES",
    "Column",
    "ImportFileError",
    "ImportResult",
    "Progress",
    "References",
    "RowError",
    "_parser",
    "_search_keys",
    "file_sha256",
    "finish_job",
    "follow_up",
    "import_enterprises",
    "import_job_create",
    "import_jobs_fail_stale",
    "map_headers",
    "open_rows",
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_money",
    "run_job",
    "write_csv_rows",
]
