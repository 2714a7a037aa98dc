"""`registry backup` and `registry restore`: the database and the instance's files, with a manifest of checksums."""
