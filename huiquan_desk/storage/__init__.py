"""SQLAlchemy models, the engine, migrations and the attachment store. No Qt."""
