"""REST API of the governance app (mounted under /api/v1/ by config/api.py)."""

from ninja import Router

router = Router(tags=["governance"])
