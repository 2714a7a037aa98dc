"""Open data: the change feed (`/api/v1/changes`), its signed webhooks and the daily bulk exports."""
