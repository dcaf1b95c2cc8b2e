"""Stand-ins for outside services the browser tests talk to over loopback."""
