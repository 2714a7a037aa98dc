"""The audit trail: who did what to which object and when, append-only and hash-chained (SPEC §7)."""
