"""Composition root: settings, Application wiring, CLI (`hrdbot …`), console transport."""
