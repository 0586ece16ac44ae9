"""The web portal for every audience; it calls services and selectors and owns no rules."""
