"""Market entities identified by their unified social credit code."""
