"""Short-link redirect service: ``/{slug}`` -> 302 to the destination with a click id, every
click stored durably before the answer. See ``app`` for the answers, ``clicklog`` for what
"acknowledged" means, ``bots`` for what is flagged.
"""

from __future__ import annotations

from creatorroi.links.app import create_app
from creatorroi.links.bots import bot_reason
from creatorroi.links.clicklog import (
    ClickReader,
    ClickRecord,
    read_clicks,
    scan_clicks,
    sealed_segments,
)
from creatorroi.links.config import Link, ServiceConfig
from creatorroi.links.server import serve

__all__ = ["ClickReader", "ClickRecord", "Link", "ServiceConfig", "bot_reason", "create_app",
           "read_clicks", "scan_clicks", "sealed_segments", "serve"]
