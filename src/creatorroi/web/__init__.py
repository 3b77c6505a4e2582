"""The web app: a FastAPI door onto the same workspace API the CLI uses.

Pages are server-rendered (Jinja2) from ``creatorroi.dashboard`` page data, and each page's
numbers are also served as JSON under ``/api`` (OpenAPI at ``/api/openapi.json``). Access is
decided in one place (``deps.in_workspace``): a user reaches a workspace only through a
membership, by session cookie or API token, and every form is CSRF-checked there too.
"""

from creatorroi.web.app import create_app
from creatorroi.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
