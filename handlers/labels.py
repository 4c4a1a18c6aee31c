"""Moved to locales/labels.py (the dashboard shows the same labels); kept so handlers import as before."""
from locales.labels import APPROVAL, CATEGORY_EN, DELIVERY, category_path, label

__all__ = ["APPROVAL", "CATEGORY_EN", "DELIVERY", "category_path", "label"]
