"""Telegram handlers: thin (parse → call a service → render). Every feature registers itself in `handlers.registry`."""
