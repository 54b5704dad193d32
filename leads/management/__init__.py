"""Management commands for consultation requests (privacy, retention, the watchdog)."""
