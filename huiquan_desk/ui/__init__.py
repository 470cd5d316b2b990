"""Qt only: the main window, one page per area, table models, dialogs, the task runner.
Talks to services, never to the ORM or SQL directly."""
