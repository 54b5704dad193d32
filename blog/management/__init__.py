"""Management commands of the articles (import)."""
