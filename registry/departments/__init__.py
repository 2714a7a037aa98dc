"""Reference data: domains, districts and the source departments that send records."""
