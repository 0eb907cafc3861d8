"""Reminders and escalations for every task with a due date, each sent exactly once.

- moments.py: when a reminder about a task is due (pure);
- sources.py: the registry of where tasks come from (reviews, progress reviews, IRO
  allocation, challenge stages) and the TaskDue each yields;
- people.py: who is responsible and who their manager is;
- send.py: the reminder run, daily digests and weekly summaries;
- timeliness.py: the nightly recompute of due dates and RAG status;
- tasks.py: the django-q2 entry points the schedules call.
"""
