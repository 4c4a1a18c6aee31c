"""Persistence: SQLAlchemy models, engine/session factory, migrations, seed loader, clock, outbox."""
