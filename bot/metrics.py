"""Prometheus metrics of a process (`GET /metrics` on `hrdbot web`): each instance is scraped on its own."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("hrdbot_updates_total", "Updates handled, by outcome", ["outcome"])
UPDATE_SECONDS = Histogram("hrdbot_update_seconds", "Time to handle one update (request in → replies sent)",
                           buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
WEBHOOK_REJECTED = Counter("hrdbot_webhook_rejected_total", "Webhook requests refused before handling", ["reason"])
IN_FLIGHT = Gauge("hrdbot_updates_in_flight", "Updates being handled now")
CATALOG_RELOADS = Counter("hrdbot_catalog_reloads_total", "Search index and card cache rebuilt after a catalog change")
