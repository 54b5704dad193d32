"""Template tags that render the consultation form inside pages."""
