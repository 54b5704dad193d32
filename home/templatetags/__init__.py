"""Template tags of the practice's pages (menu, JSON-LD, the practice in context)."""
