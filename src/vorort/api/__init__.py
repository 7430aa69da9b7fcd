"""The REST API (django-ninja). Schemas are the contract; the OpenAPI document is generated
from them and committed as `openapi.json` (a test compares the two)."""
