"""The Moonbrew Tea sample data: a seeded generator, the schema, and a checked loader.

Moonbrew Tea (月泡茶), a fictional bottled-tea brand, runs 12 weeks of marketing on a Weibo-like
microblog and on traditional online channels. Every chapter of the course uses this data::

    from socialmarketing.data import load
    posts = load("posts")          # a typed, checked DataFrame
    tables = load_all()            # every table, by name

The committed ``data/`` folder of the repository is exactly what
``generate("data/")`` (or ``socialmarketing data generate --out data/``) writes, byte for byte.
``data/README.md`` (the data sheet) describes every table, column and model parameter. The
installed package carries the same files (``socialmarketing/sample_data``), so ``load`` works
wherever a learner runs; ``print(source())`` says which copy is in use.
"""

from socialmarketing.data.generate import build_tables, generate
from socialmarketing.data.load import load, load_all, source
from socialmarketing.data.location import (
    DATA_ENV_VAR,
    DataSource,
    data_fingerprint,
    find_data,
    find_data_dir,
)
from socialmarketing.data.parameters import DEFAULT_SEED, SCALES
from socialmarketing.data.schema import TABLES, Column, Table

__all__ = [
    "DATA_ENV_VAR",
    "DEFAULT_SEED",
    "SCALES",
    "TABLES",
    "Column",
    "DataSource",
    "Table",
    "build_tables",
    "data_fingerprint",
    "find_data",
    "find_data_dir",
    "generate",
    "load",
    "load_all",
    "source",
]
