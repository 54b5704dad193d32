"""Integrations with frontends: per-frontend API keys for trusted lead intake, publish webhooks."""
