"""Exam schedules, subscriptions, reminder planning, the outbox dispatcher and broadcasts (no Telegram here)."""
