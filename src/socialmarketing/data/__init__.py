"""The Moonbrew Tea sample data: a seeded generator, the schema, and a checked loader.

Moonbrew Tea (月泡茶), a fictional bottled-tea brand, runs 12 weeks of marketing on a Weibo-like
microblog and on traditional online channels. Every chapter of the course uses this data::

    from socialmarketing.data import load
    posts = load("posts")          # a typed, checked DataFrame
    tables = load_all()            # every table, by name

The committed ``data/`` folder of the repository is exactly what
``generate("data/")`` (or ``socialmarketing data generate --out data/``) writes, byte for byte.
``data/README.md`` (the data sheet) describes every table, column and model parameter.
"""

from socialmarketing.data.generate import build_tables, generate
from socialmarketing.data.load import DATA_ENV_VAR, find_data_dir, load, load_all
from socialmarketing.data.parameters import DEFAULT_SEED, SCALES
from socialmarketing.data.schema import TABLES, Column, Table

__all__ = [
    "DATA_ENV_VAR",
    "DEFAULT_SEED",
    "SCALES",
    "TABLES",
    "Column",
    "Table",
    "build_tables",
    "find_data_dir",
    "generate",
    "load",
    "load_all",
]
