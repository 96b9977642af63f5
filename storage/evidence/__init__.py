"""Evidence add-ons built on the store: trusted timestamps, reports, redaction, and the
user's own identifiers and where they leaked."""
