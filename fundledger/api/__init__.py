"""The JSON API under ``/api/v1``, described by OpenAPI 3 (flask-smorest builds the
description from the views and their schemas; it is served at ``/api/v1/openapi.json``).
So far it serves what the public page publishes; the authenticated reads and the
Secretariat's writes, with per-user tokens, come next (issue 18)."""
