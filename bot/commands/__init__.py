"""Sub-commands of `hrdbot`, one module per feature."""
