"""One module per CLI command; each exports a click command. The library never prints; these do."""
