"""The Python API: a workspace (one brand) in a store, whose methods return DataFrames.

This is the one door every other door (CLI, web, notebooks) goes through. It wires the pure
parts together: ingest parses, the store writes, attribution credits, metrics compute.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import pandas as pd

from creatorroi.attribution import attribute as run_attribution
from creatorroi.attribution.engine import workspace_tables
from creatorroi.errors import ConfigError, NotFoundError
from creatorroi.i18n import normalize_lang
from creatorroi.ingest.insights import INSIGHT_KINDS
from creatorroi.metrics import emv, facts, goals, payouts, performers
from creatorroi.metrics.fx import RateTable
from creatorroi.metrics.rollup import Labels, RollupInput, rollup
from creatorroi.model.money import check_currency
from creatorroi.model.settings import WorkspaceSettings
from creatorroi.model.tiers import tier_for
from creatorroi.store import Store, connect
from creatorroi.tracking import Tracking

if TYPE_CHECKING:
    from creatorroi.incrementality import Incrementality
    from creatorroi.ingest import ParseContext

# Kinds whose rows change which order is credited to whom.
_AFFECTS_ATTRIBUTION = {"orders", "shopify-orders", "ga4", "sessions", "clicks", "surveys",
                        "assets", "influencers", "accounts", "campaigns"}


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    rows_read: int
    new: int
    changed: int
    warnings: list[str]


class App:
    """A store holding one or more workspaces (an agency has many brands)."""

    def __init__(self, store: Store):
        self.store = store

    def workspaces(self) -> pd.DataFrame:
        rows = self.store.fetch("SELECT id, name, currency, timezone, locale FROM workspaces "
                                "ORDER BY id")
        return pd.DataFrame(rows, columns=["id", "name", "currency", "timezone", "locale"])

    def create_workspace(self, id: str, name: str, currency: str = "EUR",
                         timezone: str = "UTC", locale: str = "en",
                         settings: WorkspaceSettings | None = None) -> Workspace:
        if not id or not all(c.isalnum() or c in "-_" for c in id):
            raise ConfigError(f"workspace id {id!r}: use letters, digits, '-' or '_'")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"unknown time zone {timezone!r} (use an IANA name such as "
                              "Europe/Rome)") from None
        try:
            cur = check_currency(currency)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if self.store.fetch("SELECT 1 FROM workspaces WHERE id = ?", [id]):
            raise ConfigError(f"workspace {id!r} already exists")
        settings = settings or WorkspaceSettings()
        self.store.execute(
            "INSERT INTO workspaces (id, name, currency, timezone, locale, salt, settings, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [id, name, cur, timezone, locale, secrets.token_hex(16),
             settings.model_dump_json(), datetime.now(UTC)])
        self.store.upsert("emv_rates", emv.default_card(), ["platform", "action"],
                          workspace_id=id)
        return self.workspace(id)

    def workspace(self, id: str | None = None) -> Workspace:
        if id is None:
            ids = [r[0] for r in self.store.fetch("SELECT id FROM workspaces ORDER BY id")]
            if len(ids) != 1:
                raise NotFoundError(
                    "no workspace yet: run `creatorroi init`" if not ids else
                    f"this store has several workspaces ({', '.join(ids)}): name one")
            id = ids[0]
        rows = self.store.fetch("SELECT id, name, currency, timezone, locale, salt, settings "
                                "FROM workspaces WHERE id = ?", [id])
        if not rows:
            raise NotFoundError(f"no workspace {id!r} in {self.store.url}")
        return Workspace(self.store, *rows[0])

    def close(self) -> None:
        self.store.close()


class Workspace:
    """One brand: its data, settings and every number computed from them."""

    def __init__(self, store: Store, id: str, name: str, currency: str, timezone: str,
                 locale: str, salt: str, settings: str):
        self.store = store
        self.id = id
        self.name = name
        self.currency = currency
        self.timezone = timezone
        self.locale = locale
        self._salt = salt
        self.settings = WorkspaceSettings.model_validate_json(settings)

    def __repr__(self) -> str:
        return f"<Workspace {self.id} {self.name!r} {self.currency} {self.timezone}>"

    @property
    def incrementality(self) -> Incrementality:
        """The mix model and lift analysis on this workspace's series."""
        from creatorroi.incrementality import Incrementality

        return Incrementality(self)

    @property
    def tracking(self) -> Tracking:
        """Issue promo codes, short links, QR codes and landing pages; ingest their clicks."""
        return Tracking(self)

    # -- settings ----------------------------------------------------------------------------
    def update_settings(self, settings: WorkspaceSettings) -> None:
        self.settings = settings
        with self.store.transaction():
            self.store.execute("UPDATE workspaces SET settings = ?, attributed_at = NULL "
                               "WHERE id = ?", [settings.model_dump_json(), self.id])
            self.store.touch(self.id)

    # -- import ------------------------------------------------------------------------------
    def parse_context(self, kind: str, *, encoding: str | None = None, lang: str | None = None,
                      progress: Callable[[int, int | None], None] | None = None,
                      captured_at: datetime | None = None) -> ParseContext:
        """How this workspace reads a file of ``kind``: its zone, locale, salt and currency,
        and for platform insight exports the index that finds its posts by permalink."""
        from creatorroi.ingest import ParseContext

        index: dict[str, str] = {}
        if kind in INSIGHT_KINDS:
            from creatorroi.insights import post_index

            index = post_index(self)
        return ParseContext(timezone=self.timezone, locale=self.locale, salt=self._salt,
                            currency=self.currency, lang=normalize_lang(lang or self.locale),
                            encoding=encoding, progress=progress, post_index=index,
                            captured_at=captured_at)

    def import_file(self, kind: str, path: str | Path, *, encoding: str | None = None,
                    lang: str | None = None,
                    progress: Callable[[int, int | None], None] | None = None,
                    captured_at: datetime | None = None) -> ImportReport:
        """Parse and store one file, all or nothing; importing it again changes nothing.

        Comment dumps and mentions stream in chunks (millions of rows, bounded memory); a
        platform insights export adds a snapshot only where a post's numbers changed.
        """
        from creatorroi.ingest import parse_file
        from creatorroi.ingest.kinds import STREAMED_KINDS

        if kind in STREAMED_KINDS:
            from creatorroi.comments_import import import_comments

            return import_comments(self, kind, path, encoding=encoding, lang=lang,
                                   progress=progress)
        ctx = self.parse_context(kind, encoding=encoding, lang=lang, progress=progress,
                                 captured_at=captured_at)
        parsed = parse_file(path, kind, ctx)
        if kind in INSIGHT_KINDS and "post_metrics" in parsed.tables:
            from creatorroi.insights import drop_unchanged

            parsed.tables["post_metrics"] = drop_unchanged(self, parsed.tables["post_metrics"])
        data = Path(path).read_bytes()
        new = changed = 0
        with self.store.transaction():
            for table, frame in parsed.tables.items():
                if table == "emv_rates":
                    self._clear_card(frame)
                if table == "order_codes":
                    codes_changed = self._replace_codes(
                        list(parsed.tables["orders"]["id"]), frame)
                    changed += codes_changed
                    continue
                key = _table_key(table)
                result = self.store.upsert(table, frame, key, workspace_id=self.id)
                new += result.new
                changed += result.changed
            self.store.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.id, uuid.uuid4().hex, kind, Path(path).name,
                 hashlib.sha256(data).hexdigest(), parsed.rows_read, new, changed,
                 datetime.now(UTC)])
            if new or changed:
                self.store.touch(self.id)
            if kind in _AFFECTS_ATTRIBUTION and (new or changed):
                self.store.execute("UPDATE workspaces SET attributed_at = NULL WHERE id = ?",
                                   [self.id])
        return ImportReport(kind, str(path), parsed.rows_read, new, changed, parsed.warnings)

    def _replace_codes(self, order_ids: list[str], frame: pd.DataFrame) -> int:
        """Each imported order's codes are replaced as a set, so a later export that drops or
        changes a code is honoured. Returns how many orders' code sets changed."""
        ids = sorted(set(order_ids))
        old: dict[str, set[str]] = {}
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            marks = ", ".join("?" for _ in chunk)
            for oid, code in self.store.fetch(
                    f"SELECT order_id, code FROM order_codes WHERE workspace_id = ? "
                    f"AND order_id IN ({marks})", [self.id, *chunk]):
                old.setdefault(oid, set()).add(code)
        new: dict[str, set[str]] = {}
        for oid, code in zip(frame["order_id"], frame["code"], strict=True):
            new.setdefault(oid, set()).add(code)
        differ = [oid for oid in ids if old.get(oid, set()) != new.get(oid, set())]
        for start in range(0, len(differ), 1000):
            chunk = differ[start:start + 1000]
            marks = ", ".join("?" for _ in chunk)
            self.store.execute(f"DELETE FROM order_codes WHERE workspace_id = ? AND order_id IN "
                               f"({marks})", [self.id, *chunk])
        fresh = frame[frame["order_id"].isin(set(differ))].drop_duplicates()
        self.store.upsert("order_codes", fresh, ["order_id", "code"], workspace_id=self.id)
        return len([oid for oid in differ if oid in old])

    def _clear_card(self, frame: pd.DataFrame) -> None:
        """An imported card replaces the whole card of each platform it names, so no platform
        ends up priced half in the default's currency and half in the user's."""
        for platform, rows in frame.groupby("platform"):
            actions = sorted(set(rows["action"]))
            marks = ", ".join("?" for _ in actions)
            self.store.execute(
                f"DELETE FROM emv_rates WHERE workspace_id = ? AND platform = ? "
                f"AND action NOT IN ({marks})", [self.id, platform, *actions])

    def imports(self) -> pd.DataFrame:
        return self._frame("SELECT kind, file_name, rows_read, rows_new, rows_changed, "
                           "imported_at, sha256 FROM imports WHERE workspace_id = ? "
                           "ORDER BY imported_at")

    # -- attribution -------------------------------------------------------------------------
    def attribute(self, force: bool = False) -> None:
        """Credit orders to influencers (only when data changed since the last run)."""
        with self.store.transaction():
            # Touching the row first locks it on PostgreSQL: a second run waits, then finds
            # the work done, instead of writing every credit twice.
            self.store.execute("UPDATE workspaces SET attributed_at = attributed_at "
                               "WHERE id = ?", [self.id])
            stale = self.store.fetch("SELECT attributed_at IS NULL FROM workspaces "
                                     "WHERE id = ?", [self.id])[0][0]
            if not (stale or force):
                return
            run_attribution(self.store, self.id, self.settings.attribution, self.timezone)
            self.store.execute("UPDATE workspaces SET attributed_at = ? WHERE id = ?",
                               [datetime.now(UTC), self.id])

    def attributions(self) -> pd.DataFrame:
        self.attribute()
        return self._frame("SELECT order_id, influencer_id, campaign_id, asset_id, post_id, "
                           "method, touched_at FROM attributions WHERE workspace_id = ? "
                           "ORDER BY order_id")

    def coverage(self) -> pd.DataFrame:
        """Per method: orders and revenue it found, how many it won, and the unattributed rest."""
        self.attribute()
        from creatorroi.attribution.report import coverage

        return coverage(self.store, self.id, self.settings.attribution.priority, self._rates())

    def overlap(self) -> pd.DataFrame:
        """Method x method matrix: orders found by both (the diagonal: found by that method)."""
        self.attribute()
        from creatorroi.attribution.report import overlap

        return overlap(self.store, self.id)

    # -- KPIs --------------------------------------------------------------------------------
    def kpis(self, by: str | list[str] = "influencer", *, campaign: str | None = None,
             start: date | None = None, end: date | None = None,
             as_of: datetime | None = None) -> pd.DataFrame:
        """Every KPI per group; money in the home currency as Decimal, missing inputs as NA."""
        self.attribute()
        if campaign is not None:
            self._require("campaigns", campaign, "campaign")
        return rollup(self._rollup_input(), by, campaign=campaign, start=start, end=end,
                      as_of=as_of)

    def goals(self, as_of: date | None = None) -> pd.DataFrame:
        self.attribute()
        today = as_of or datetime.now(ZoneInfo(self.timezone)).date()
        rows = self._frame("SELECT id, campaign_id, metric, target, baseline, starts_on, "
                           "deadline, influencer_id, platform, description FROM goals "
                           "WHERE workspace_id = ? ORDER BY campaign_id, id")
        camps = self._frame("SELECT id, starts_on FROM campaigns WHERE workspace_id = ?")
        inp = self._rollup_input()
        return goals.progress(rows, camps, inp, today)

    def payouts(self, campaign: str | None = None) -> pd.DataFrame:
        self.attribute()
        cols = ", ".join(self.store.columns("pay_terms")[1:])
        terms = self._frame(f"SELECT {cols} FROM pay_terms WHERE workspace_id = ? ORDER BY id")
        if campaign is not None:
            terms = terms[terms["campaign_id"].isna() | (terms["campaign_id"] == campaign)]
        inp = self._rollup_input()
        return payouts.compute(terms, inp)

    def performers(self, n: int = 3, campaign: str | None = None) -> pd.DataFrame:
        return performers.rank(self.kpis("influencer", campaign=campaign), n)

    # -- helpers -----------------------------------------------------------------------------
    def _frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.store.frame(sql, [self.id, *(params or [])])

    def _require(self, table: str, id: str, what: str) -> None:
        if not self.store.fetch(f"SELECT 1 FROM {table} WHERE workspace_id = ? AND id = ?",
                                [self.id, id]):
            raise NotFoundError(f"no {what} {id!r} in workspace {self.id!r}")

    def _rates(self) -> RateTable:
        rows = self.store.fetch("SELECT base, quote, rate_date, rate FROM fx_rates "
                                "WHERE workspace_id = ?", [self.id])
        return RateTable.from_rows([(b, q, d, r) for b, q, d, r in rows])

    def tiers(self) -> pd.DataFrame:
        """Each influencer's tier, from the latest follower count of their largest account."""
        rows = self.store.fetch(
            "SELECT a.influencer_id, a.platform, a.handle, s.followers, s.captured_at "
            "FROM accounts a LEFT JOIN follower_snapshots s ON s.workspace_id = a.workspace_id "
            "AND s.account_id = a.id WHERE a.workspace_id = ?", [self.id])
        frame = pd.DataFrame(rows, columns=["influencer_id", "platform", "handle", "followers",
                                            "captured_at"])
        if frame.empty:
            return pd.DataFrame(columns=["influencer_id", "handle", "followers", "tier"])
        frame = frame.sort_values("captured_at", na_position="first")
        latest = frame.groupby(["influencer_id", "platform", "handle"], dropna=False).last()
        latest = latest.reset_index().sort_values("followers", ascending=False,
                                                  na_position="last")
        best = latest.groupby("influencer_id").first().reset_index()
        tiers = [None if pd.isna(f) else tier_for(int(f), self.settings.tiers)
                 for f in best["followers"]]
        best["tier"] = [t.value if t else None for t in tiers]
        return best[["influencer_id", "handle", "followers", "tier"]]

    def _rollup_input(self) -> RollupInput:
        def t(name: str) -> ibis.Table:
            table = self.store.table(name)
            return table.filter(table.workspace_id == self.id).drop("workspace_id")

        src = facts.Source(
            orders=t("orders"), attributions=t("attributions"), costs=t("costs"),
            posts=t("posts"), post_metrics=t("post_metrics"), accounts=t("accounts"),
            follower_snapshots=t("follower_snapshots"), emv_rates=t("emv_rates"),
            session_days=t("session_days"),
            rules=workspace_tables(self.store, self.id, self.timezone), timezone=self.timezone,
            comments=t("comments"), content_checks=t("content_checks"),
            audience_audits=t("audience_audits"), briefs=t("briefs"),
            audience_demographics=t("audience_demographics"),
        )
        tiers = self.tiers()
        handles = dict(zip(tiers["influencer_id"], tiers["handle"], strict=True))
        for iid, name in self.store.fetch("SELECT id, name FROM influencers "
                                          "WHERE workspace_id = ?", [self.id]):
            handles.setdefault(iid, name)
        posts = self.store.fetch("SELECT id, platform, content_type FROM posts "
                                 "WHERE workspace_id = ?", [self.id])
        with_account = set(tiers["influencer_id"])
        labels = Labels(
            influencer={k: f"@{v}" if k in with_account else str(v) for k, v in handles.items()},
            tier={k: v for k, v in zip(tiers["influencer_id"], tiers["tier"], strict=True) if v},
            post_platform={p: plat for p, plat, _ in posts},
            post_content_type={p: ct for p, _, ct in posts},
        )
        present = {
            family for family, table in (("orders", "orders"), ("costs", "costs"),
                                         ("posts", "posts"), ("sessions", "sessions"),
                                         ("clicks", "clicks"), ("comments", "comments"))
            if self.store.fetch(f"SELECT 1 FROM {table} WHERE workspace_id = ? LIMIT 1",
                                [self.id])
        }
        return RollupInput(src, self.currency, self._rates(), labels, present)


def _table_key(table: str) -> list[str]:
    """The upsert key of an imported table: its primary key, as the migrations declare it."""
    from creatorroi.ingest.context import table_spec

    return list(table_spec(table).key)


def open_store(url: str | Path) -> App:
    return App(connect(url))


def open_workspace(url: str | Path, workspace: str | None = None) -> Workspace:
    return open_store(url).workspace(workspace)


__all__ = ["App", "ImportReport", "Workspace", "open_store", "open_workspace"]
