"""Watching: targets from the config, the scheduler that captures them, and notifications."""
