"""The practice: its home, standard and contact pages, its settings, the reusable call to
action, their blocks and template tags, and their API endpoints."""
