"""Staff broadcasts: audiences, the broadcast life cycle, the periodic job. No telegram here."""
