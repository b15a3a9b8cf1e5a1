"""Persistence: the tables, the hash-chained audit trail, the evidence file store, the database and its migrations."""
