"""Exam calendar, applicant subscriptions, personal interview slots and reminders (no Telegram here)."""
