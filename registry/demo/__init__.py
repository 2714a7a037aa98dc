"""Demo data for the Tongliao credit registry: reference lists and a deterministic generator."""
