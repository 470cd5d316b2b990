"""Use cases, one module per area. Functions take a Session, validate, write and return plain
dataclasses. They never commit: the caller owns the transaction (storage.engine.unit_of_work)."""
