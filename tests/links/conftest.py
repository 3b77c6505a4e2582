"""Fixtures for the redirect service: a small workspace's links and the app serving them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from links_support import make_config

from creatorroi.links.app import RedirectApp, create_app
from creatorroi.links.config import ServiceConfig


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "clicks"


@pytest.fixture
def config(log_dir: Path) -> ServiceConfig:
    return make_config(log_dir)


@pytest.fixture
def app(config: ServiceConfig) -> Iterator[RedirectApp]:
    application = create_app(config)
    yield application
    application.clicklog.close()
