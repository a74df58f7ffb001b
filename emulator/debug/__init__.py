"""debug subsystem."""
