"""Receivables warehouse: land AR ledger and dunning exports, build the marts with dbt."""

__version__ = "0.1.0"
