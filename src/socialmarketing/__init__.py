"""Social media marketing, taught with Jupyter."""

__version__ = "0.1.0"
