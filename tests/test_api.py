"""The notebook door: creatorroi.open(url) gives a workspace whose methods return frames."""

from pathlib import Path

import pandas as pd
import pytest

import creatorroi

import world


def test_open_returns_the_only_workspace_and_frames(tmp_path: Path) -> None:
    url = str(tmp_path / "a.duckdb")
    world.build(creatorroi.connect(url))
    ws = creatorroi.open(url)
    assert ws.id == "w" and ws.currency == "EUR"
    k = ws.kpis(by="campaign")
    assert isinstance(k, pd.DataFrame) and list(k["campaign"]) == ["easter"]
    assert {"orders", "revenue", "cost", "roi", "roas"} <= set(k.columns)


def test_open_asks_which_workspace_when_there_are_several(tmp_path: Path) -> None:
    url = str(tmp_path / "b.duckdb")
    app = creatorroi.connect(url)
    app.create_workspace("brand-a", "A")
    app.create_workspace("brand-b", "B", currency="KRW", timezone="Asia/Seoul", locale="ko")
    with pytest.raises(creatorroi.CreatorROIError, match="several workspaces"):
        creatorroi.open(url)
    assert creatorroi.open(url, "brand-b").currency == "KRW"
    with pytest.raises(creatorroi.CreatorROIError, match="no workspace 'nope'"):
        creatorroi.open(url, "nope")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("currency", "EURO", "ISO 4217"), ("timezone", "Mars/Olympus", "time zone"),
])
def test_workspace_settings_are_validated(tmp_path: Path, field: str, value: str,
                                          message: str) -> None:
    app = creatorroi.connect(str(tmp_path / "c.duckdb"))
    with pytest.raises(creatorroi.CreatorROIError, match=message):
        app.create_workspace("x", "X", **{field: value})
