"""Public service status page."""
