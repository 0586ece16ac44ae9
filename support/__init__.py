"""Support tickets and service levels."""
