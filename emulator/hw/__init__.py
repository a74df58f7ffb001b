"""hw subsystem."""
