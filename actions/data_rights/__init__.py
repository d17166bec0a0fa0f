"""Her data rights by message: delete my data, what you hold, stop texts."""
