"""Special credit reports (专项信用报告), bank authorisations and the query log (SPEC §6)."""
