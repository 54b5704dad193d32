"""Template tags of the articles (listings, related articles)."""
