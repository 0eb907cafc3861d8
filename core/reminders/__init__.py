"""The reminder mechanism: when a reminder is due, and the registry of task sources.

- moments.py: when a reminder about a task is due (pure; the engine's working days);
- sources.py: the registry of where tasks come from and the TaskDue each yields.

Each app registers its own sources from its AppConfig.ready() (reviews.reminders,
disputes.reminders); who is responsible is accounts.staff; the run itself, digests and
weekly summaries are workspace.reminders, called by workspace.tasks; the nightly
recompute of due dates and RAG status is reviews.timeliness (reviews.tasks).
"""
