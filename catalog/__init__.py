"""Courses, cohorts, enrollment, retirement sign-ups and Korean search. No Telegram here."""
