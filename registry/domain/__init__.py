"""Pure domain rules of the credit registry: no Flask, no database."""
