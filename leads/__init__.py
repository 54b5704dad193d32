"""Consultation requests: intake, the admin's Leads area, notifications and privacy."""
