"""DuckDB, set up the one way the library uses it: in memory, offline, on a bounded budget.

Every connection the library opens comes from :func:`connect`. DuckDB would otherwise
download extensions on first use (which fails offline and changes the user's home folder);
here nothing is ever installed or fetched. The SQLite reader comes from the
``duckdb-extension-sqlite`` package, loaded straight from its file.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

__all__ = ["connect", "load_sqlite_reader"]

# The extension package keeps its file under the DuckDB version it was built for.
_EXTENSION = Path("extensions") / f"v{duckdb.__version__}" / "sqlite.duckdb_extension"


#: DuckDB's working memory; beyond it, intermediate results spill to a temporary folder.
#: ``SUPERVISE_MEMORY`` (e.g. ``2GB``) changes it. Kept modest so that a province-wide answer
#: fits beside the caller's own data (DuckDB's own default is 80% of the machine).
MEMORY_LIMIT = "512MB"


def connect(threads: int | None = None, memory: str = MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection that never installs or downloads anything, with
    ``memory`` as its working memory (``SUPERVISE_MEMORY``, when set, decides instead)."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        # Row order is fixed by ORDER BY where it matters; dropping it elsewhere saves work.
        "preserve_insertion_order": "false",
        "memory_limit": os.environ.get("SUPERVISE_MEMORY") or memory,
        "temp_directory": os.path.join(tempfile.gettempdir(), f"supervise-spill-{os.getpid()}"),
    }
    if threads is not None:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    # DuckDB's bar would write to the caller's stdout (a CLI's JSON, say); in Jupyter without
    # ipywidgets DuckDB refuses to change the setting, and draws no bar there anyway.
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    return con


def load_sqlite_reader(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's SQLite reader into ``con`` from the installed package.

    DuckDB names an extension's entry point after its file, and the package ships the reader
    as ``sqlite.duckdb_extension`` while its entry point is ``sqlite_scanner``: it is loaded
    through a link of the right name in a private temporary folder."""
    con.execute(f"LOAD '{_linked_extension()}'")


@functools.cache
def _linked_extension() -> str:
    import duckdb_extension_sqlite

    source = Path(duckdb_extension_sqlite.__file__).parent / _EXTENSION
    if not source.is_file():
        raise RuntimeError(
            f"duckdb-extension-sqlite has no reader for DuckDB {duckdb.__version__} "
            f"(looked for {source}); install matching versions of duckdb and "
            "duckdb-extension-sqlite"
        )
    folder = tempfile.mkdtemp(prefix="supervise-duckdb-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    link = os.path.join(folder, "sqlite_scanner.duckdb_extension")
    try:
        os.symlink(source, link)
    except OSError:  # no symbolic links here (some Windows setups): a copy does as well
        shutil.copyfile(source, link)
    return link
