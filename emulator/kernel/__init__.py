"""kernel subsystem."""
