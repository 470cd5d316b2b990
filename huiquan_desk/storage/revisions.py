"""The database revisions this program knows: every migration in db/migrations/versions, oldest
first. A test checks them against Alembic's history, so a normal start can see "up to date"
without importing Alembic or SQLAlchemy, and a database from elsewhere (a backup) is accepted
only at one of these. No imports: backups and the start-up guard read it before the data layer."""

REVISIONS = ("0001_initial", "0002_volunteers", "0003_data_safety", "0004_activity_chars", "0005_service_indexes",
             "0006_families", "0007_archives",
             "0008_inspection", "0009_plans")
HEAD_REVISION = REVISIONS[-1]
