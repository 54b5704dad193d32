"""Management commands of the practice (demo content, admin user, mail pipeline check)."""
