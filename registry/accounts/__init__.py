"""People's accounts: sign-in with a password and a second factor, sessions, and their administration."""
