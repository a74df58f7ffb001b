"""loader subsystem."""
