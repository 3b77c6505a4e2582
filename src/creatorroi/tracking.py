"""Issuing tracking assets and taking in the clicks they earn: the workspace's side of `track`.

The pure rules (code patterns, UTM convention, slugs, QR, landing pages) live in
``creatorroi.track``; this module reads the influencers and campaigns they are made from,
keeps codes and slugs unique in the workspace, and writes what it issued into
``tracking_assets`` — the table attribution already reads, so an issued code or link credits
orders with no further step.

Issuing is idempotent: an asset's id is derived from what it is for (campaign, influencer,
kind, platform, placement), and a code or slug once issued never changes on a re-run, since it
may already be printed on a story or a parcel insert.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from creatorroi.errors import BadRowError, ConfigError, ImportFailed, NotFoundError
from creatorroi.ingest.canonical import slug as slug_key
from creatorroi.ingest.context import ParseContext, build_frame
from creatorroi.ingest.text import read_sheet
from creatorroi.links.clicklog import ClickReader, segments
from creatorroi.links.config import Link, ServiceConfig
from creatorroi.model import keys
from creatorroi.model.enums import Platform
from creatorroi.store.values import as_date
from creatorroi.track import codes, landing, qr, slugs, utm

if TYPE_CHECKING:
    from creatorroi.workspace import Workspace

KINDS = ("promo_code", "utm_link", "landing_page")
ROSTER_COLUMNS = ("influencer", "campaign", "platform", "placement", "destination", "code",
                  "slug", "landing", "offer", "products", "post")


@dataclass(frozen=True)
class Request:
    """What to issue for one influencer in one campaign (one roster row)."""

    influencer: str
    campaign: str
    platform: str | None = None
    placement: str | None = None
    destination: str | None = None
    code: str | None = None
    slug: str | None = None
    landing: bool = False
    offer: str | None = None
    products: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ("promo_code", "utm_link")
    post: str | None = None   # the post the link is for, so CTR uses that post's impressions


@dataclass
class _Taken:
    """Codes and slugs already issued in the workspace, by the asset that holds them."""

    codes: dict[str, str] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)

    def free(self, table: dict[str, str], key: str, asset_id: str) -> bool:
        return table.get(key, asset_id) == asset_id


class Tracking:
    """``ws.tracking``: issue codes, links and landing pages; export them; ingest clicks."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    @property
    def settings(self) -> Any:
        return self.ws.settings.tracking

    # -- issuing ----------------------------------------------------------------------------
    def issue(self, influencer: str, campaign: str, **options: Any) -> pd.DataFrame:
        """Issue (or return the already issued) assets for one influencer in one campaign."""
        return self.issue_many([Request(influencer, campaign, **options)])

    def issue_many(self, requests: Sequence[Request], *, file: str = "",
                   row_numbers: Sequence[int] = (),
                   errors: Sequence[BadRowError] = ()) -> pd.DataFrame:
        """Issue for many requests in one transaction: all are written or none is.

        With ``file`` (a roster), every bad row is reported at once by file, row and column.
        """
        taken, existing = self._issued()
        planned: dict[str, dict[str, Any]] = {}
        pages: dict[str, dict[str, Any]] = {}
        errors = list(errors)
        for n, req in zip(row_numbers or range(2, len(requests) + 2), requests,
                          strict=True):
            try:
                made, page = self._plan(req, taken, existing)
                # rows for other placements of the same creator share her code and page:
                # the same asset twice is fine, two different versions of it are not
                for row in made:
                    if row["id"] in planned and planned[row["id"]] != row:
                        raise _CellError(_BLAME[row["kind"]], f"{row['id']} is already planned "
                                         "differently by an earlier row")
                    planned[row["id"]] = row
                for pg in page:
                    if pg["asset_id"] in pages and _page_key(pages[pg["asset_id"]]) != \
                            _page_key(pg):
                        raise _CellError("offer", f"{pg['asset_id']} is already planned with "
                                         "another offer or products by an earlier row")
                    pages[pg["asset_id"]] = pg
            except (ConfigError, NotFoundError, ValueError, KeyError) as exc:
                message = str(exc.args[0]) if isinstance(exc, KeyError) else str(exc)
                if not file:
                    raise ConfigError(message) from None
                errors.append(BadRowError(file, n, getattr(exc, "column", None), message))
        if errors:
            raise ImportFailed(file, sorted(errors, key=lambda e: e.row or 0))
        rows = list(planned.values())
        page_rows = self._keep_page_dates(list(pages.values()))
        with self.ws.store.transaction():
            done = self.ws.store.upsert("tracking_assets", build_frame("tracking_assets", rows),
                                        ["id"], workspace_id=self.ws.id)
            if page_rows:
                self.ws.store.upsert("landing_pages", build_frame("landing_pages", page_rows),
                                     ["asset_id"], workspace_id=self.ws.id)
            if done.new or done.changed:  # a re-run changes nothing, not even the staleness
                self.ws.store.execute("UPDATE workspaces SET attributed_at = NULL WHERE id = ?",
                                      [self.ws.id])
        ids = [r["id"] for r in rows]
        listed = self.assets()
        return listed[listed["id"].isin(ids)].reset_index(drop=True)

    def _keep_page_dates(self, pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A page whose offer and products did not change keeps its ``updated_at``."""
        stored = {a: (o, p, u) for a, o, p, u in self.ws.store.fetch(
            "SELECT asset_id, offer, products, updated_at FROM landing_pages "
            "WHERE workspace_id = ?", [self.ws.id])}
        for pg in pages:
            old = stored.get(pg["asset_id"])
            if old and (old[0], old[1]) == _page_key(pg):
                pg["updated_at"] = old[2]
        return pages

    def issue_roster(self, path: str | Path) -> pd.DataFrame:
        """Bulk issue from a roster CSV/XLSX (one row per influencer, campaign and placement).

        Columns: ``influencer, campaign`` (ids, required), ``platform, placement,
        destination, code, slug, landing`` (yes/no), ``offer``, ``products`` (URLs separated
        by ``|``). A bad row names its file, row and column, and nothing is issued.
        """
        file = Path(path).name
        sheet = read_sheet(Path(path), file, ParseContext(lang=self.ws.locale))
        header = [h.strip().lower() for h in sheet.header]
        twice = sorted({h for h in header if h and header.count(h) > 1})
        if twice:
            raise BadRowError(file, 1, twice[0], "column appears more than once")
        unknown = [h for h in header if h and h not in ROSTER_COLUMNS]
        if unknown:
            raise BadRowError(file, 1, unknown[0], "unknown column; expected some of "
                              + ", ".join(ROSTER_COLUMNS))
        for required in ("influencer", "campaign"):
            if required not in header:
                raise BadRowError(file, 1, required, "required column is missing")
        requests: list[Request] = []
        numbers: list[int] = []
        errors: list[BadRowError] = []
        for row_no, cells in sheet.rows:
            cells = list(cells) + [None] * (len(header) - len(cells))
            values = {h: (str(c).strip() if c is not None else "")
                      for h, c in zip(header, cells[:len(header)], strict=True)}
            try:
                requests.append(_request(values))
                numbers.append(row_no)
            except _CellError as exc:
                errors.append(BadRowError(file, row_no, exc.column, str(exc)))
        return self.issue_many(requests, file=file, row_numbers=numbers, errors=errors)

    def _plan(self, req: Request, taken: _Taken,
              existing: Mapping[str, Mapping[str, Any]]) -> tuple[list[dict[str, Any]],
                                                                   list[dict[str, Any]]]:
        inf = self._influencer(req.influencer)
        camp = self._campaign(req.campaign)
        platform = Platform.parse(req.platform).value if req.platform else None
        handle = _handle_for(inf, platform)
        placement = utm.normalize_value(req.placement) if req.placement else None
        base = f"{camp['id']}:{inf['id']}"
        out: list[dict[str, Any]] = []
        pages: list[dict[str, Any]] = []
        common = dict(influencer_id=inf["id"], campaign_id=camp["id"], post_id=None,
                      platform=platform)
        kinds = set(req.kinds) | ({"landing_page", "utm_link"} if req.landing else set())
        if "promo_code" in kinds:
            aid = f"{base}:code"
            out.append(dict(common, id=aid, kind="promo_code", destination=None,
                            match_key=self._code(req, aid, inf, camp, handle, platform, taken,
                                                 existing)))
        link: dict[str, Any] | None = None
        if "utm_link" in kinds:
            aid = f"{base}:{platform or 'any'}:{placement or 'any'}:link"
            if req.post:
                aid = f"{base}:{self._post(req.post, inf['id'], camp['id'])}:link"
            # with no platform named, the link is for the account its handle comes from
            shared_on = platform or next((p for p, h in inf["accounts"] if h == handle), None)
            link = self._link(req, aid, handle, camp, shared_on, placement, taken, existing)
            out.append(dict(common, id=aid, kind="utm_link", **link) | {"post_id": req.post})
        if "landing_page" in kinds:
            if link is None:
                raise ConfigError("a landing page needs a link to point its button at")
            aid = f"{base}:landing"
            page_path = self._landing_path(aid, link["match_key"], taken, existing)
            parts = urlsplit(link["destination"])
            out.append(dict(common, id=aid, kind="landing_page", match_key=page_path,
                            destination=f"{parts.scheme}://{parts.netloc}{page_path}"))
            for url in req.products:
                try:
                    utm.check_allowed(url, self.settings.allowed_domains)
                except ValueError as exc:
                    raise _CellError("products", str(exc)) from None
            pages.append(dict(asset_id=aid, offer=req.offer,
                              products=json.dumps(list(req.products)) if req.products else None,
                              updated_at=datetime.now(UTC)))
        return out, pages

    def _code(self, req: Request, aid: str, inf: Mapping[str, Any], camp: Mapping[str, Any],
              handle: str, platform: str | None, taken: _Taken,
              existing: Mapping[str, Mapping[str, Any]]) -> str:
        s = self.settings
        if req.code:
            code = keys.promo_code(req.code)
            if not re.fullmatch(r"[A-Z0-9_-]{3,32}", code):
                raise _CellError("code", f"promo code {req.code!r}: use 3-32 letters, digits, "
                                 "'_' or '-'")
            if not taken.free(taken.codes, code, aid):
                raise _CellError("code", f"promo code {code} is already issued to "
                                 f"{taken.codes[code]}")
        elif aid in existing:
            code = existing[aid]["match_key"]
        else:
            wanted = codes.make_code(
                s.code_pattern, campaign=_campaign_word(camp), handle=handle,
                name=inf["name"], year=camp["starts_on"].year, platform=platform,
                avoid_ambiguous=s.avoid_ambiguous)
            others = {c for c, owner in taken.codes.items() if owner != aid}
            code = codes.assign_unique([wanted], others, avoid_ambiguous=s.avoid_ambiguous)[0]
        taken.codes[code] = aid
        return code

    def _link(self, req: Request, aid: str, handle: str, camp: Mapping[str, Any],
              platform: str | None, placement: str | None, taken: _Taken,
              existing: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        s = self.settings
        if not s.short_domain:
            raise ConfigError("set the short-link domain first: creatorroi track settings "
                              "--short-domain go.example.com")
        if not s.allowed_domains:
            raise ConfigError("set the destination allow list first: creatorroi track "
                              "settings --allow shop.example.com")
        previous = existing.get(aid)
        target = req.destination or (previous and _strip_utm(previous["destination"]))
        if not target:
            raise _CellError("destination", "a link needs a destination URL")
        try:
            utm.check_allowed(target, s.allowed_domains)
            if not platform:
                raise _CellError("platform", "say which platform the link is shared on")
            u = s.utm.utm_for(platform=platform, handle=handle, campaign=camp["id"],
                              placement=placement, influencer=req.influencer)
            url = utm.build_url(target, u)
        except ValueError as exc:
            raise _CellError("destination", str(exc)) from None
        if req.slug:
            slug = slug_key(req.slug)
            if not slugs.is_valid_slug(slug):
                raise _CellError("slug", f"slug {req.slug!r}: use lower-case letters, digits "
                                 "and single hyphens")
            if not taken.free(taken.slugs, slug, aid):
                raise _CellError("slug", f"slug /{slug} is already issued to "
                                 f"{taken.slugs[slug]}")
        elif previous:
            slug = previous["match_key"]
        else:
            slug = self._new_slug(handle, _campaign_word(camp).lower(), placement, aid, taken)
        taken.slugs[slug] = aid
        return dict(match_key=slug, destination=url,
                    **{f"utm_{k}": keys.utm(v) for k, v in (
                        ("source", u.source), ("medium", u.medium), ("campaign", u.campaign),
                        ("content", u.content), ("term", u.term))})

    def _new_slug(self, handle: str, campaign: str, placement: str | None, aid: str,
                  taken: _Taken) -> str:
        """``/giulia`` while it is free, then ``/giulia-easter``, then with the placement."""
        candidates = [slugs.make_slug(handle), slugs.make_slug(handle, campaign)]
        if placement:
            candidates.append(slugs.make_slug(handle, f"{campaign} {placement}"))
        for c in candidates:
            if taken.free(taken.slugs, c, aid):
                return c
        others = {k for k, owner in taken.slugs.items() if owner != aid}
        return slugs.assign_unique_slugs([candidates[-1]], others)[0]

    def _landing_path(self, aid: str, slug: str, taken: _Taken,
                      existing: Mapping[str, Mapping[str, Any]]) -> str:
        if aid in existing:
            path: str = existing[aid]["match_key"]
        else:
            path = keys.path(self.settings.landing_path.format(slug=slug)) or "/"
            if not taken.free(taken.paths, path, aid):
                raise ConfigError(f"landing page {path} is already issued to "
                                  f"{taken.paths[path]}")
        taken.paths[path] = aid
        return path

    # -- reading ----------------------------------------------------------------------------
    def assets(self, campaign: str | None = None) -> pd.DataFrame:
        """Issued assets with the short URL a creator shares (links only)."""
        sql = ("SELECT t.id, t.kind, t.influencer_id, t.campaign_id, t.platform, t.match_key, "
               "t.destination, t.utm_source, t.utm_medium, t.utm_campaign, t.utm_content "
               "FROM tracking_assets t WHERE t.workspace_id = ?")
        params: list[Any] = []
        if campaign:
            sql += " AND t.campaign_id = ?"
            params.append(campaign)
        frame = self.ws._frame(sql + " ORDER BY t.campaign_id, t.influencer_id, t.id", params)
        domain = self.settings.short_domain
        frame["short_url"] = [
            f"https://{domain}/{key}" if kind == "utm_link" and domain else None
            for kind, key in zip(frame["kind"], frame["match_key"], strict=True)]
        return frame

    def export_codes(self, shop: str, *, campaign: str | None = None,
                     discount_type: codes.DiscountType = "percentage", value: Decimal | None = None,
                     usage_limit: int | None = None, once_per_customer: bool = True) -> str:
        """The campaign's codes as the CSV a shop's bulk discount import takes."""
        frame = self.ws._frame(
            "SELECT t.match_key, i.name, c.name, c.starts_on, c.ends_on FROM tracking_assets t "
            "JOIN influencers i ON i.workspace_id = t.workspace_id AND i.id = t.influencer_id "
            "JOIN campaigns c ON c.workspace_id = t.workspace_id AND c.id = t.campaign_id "
            "WHERE t.workspace_id = ? AND t.kind = 'promo_code'"
            + (" AND t.campaign_id = ?" if campaign else "") + " ORDER BY t.match_key",
            [campaign] if campaign else [])
        if frame.empty:
            raise NotFoundError("no promo codes issued" + (f" in {campaign}" if campaign else ""))
        try:
            rows = [codes.CodeRow(code=r[0], influencer=r[1], campaign=r[2],
                                  discount_type=discount_type, value=value,
                                  currency=self.ws.currency, starts_on=as_date(r[3]),
                                  ends_on=as_date(r[4]), usage_limit=usage_limit,
                                  once_per_customer=once_per_customer)
                    for r in frame.itertuples(index=False)]
            return codes.export_codes(rows, shop)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    def kit(self, out: str | Path, *, campaign: str | None = None) -> list[Path]:
        """Write what each creator is handed: QR codes (SVG, PNG) per link, landing pages."""
        out = Path(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot write the kit to {out}: {exc.strerror}") from None
        written: list[Path] = []
        assets = self.assets(campaign)
        # only links the service can answer (a destination) and pages issued here (an offer)
        links = assets[(assets["kind"] == "utm_link") & assets["destination"].notna()]
        for a in links.itertuples(index=False):
            stem = out / str(a.match_key)
            stem.with_suffix(".svg").write_text(qr.qr_svg(str(a.short_url)), encoding="utf-8")
            stem.with_suffix(".png").write_bytes(qr.qr_png(str(a.short_url)))
            written += [stem.with_suffix(".svg"), stem.with_suffix(".png")]
        issued = {r[0] for r in self.ws.store.fetch(
            "SELECT asset_id FROM landing_pages WHERE workspace_id = ?", [self.ws.id])}
        pages = assets[(assets["kind"] == "landing_page") & assets["id"].isin(issued)]
        for a in pages.itertuples(index=False):
            html = self.landing_html(str(a.id))
            path = out / f"landing-{str(a.match_key).strip('/').replace('/', '-')}.html"
            path.write_text(html, encoding="utf-8")
            written.append(path)
        return written

    def landing_html(self, asset_id: str, lang: str | None = None) -> str:
        rows = self.ws.store.fetch(
            "SELECT t.influencer_id, t.campaign_id, p.offer, p.products FROM tracking_assets t "
            "LEFT JOIN landing_pages p ON p.workspace_id = t.workspace_id AND p.asset_id = t.id "
            "WHERE t.workspace_id = ? AND t.id = ? AND t.kind = 'landing_page'",
            [self.ws.id, asset_id])
        if not rows:
            raise NotFoundError(f"no landing page {asset_id!r}")
        influencer, campaign, offer, products = rows[0]
        inf = self._influencer(influencer)
        assets = self.assets(campaign)
        # this creator's code and link in the campaign, those issued here first
        mine = assets[assets["influencer_id"] == influencer].sort_values(
            "id", key=lambda ids: ~ids.str.startswith(f"{campaign}:{influencer}:"), kind="stable")
        code = next(iter(mine[mine["kind"] == "promo_code"]["match_key"]), None)
        link = next(iter(mine[mine["kind"] == "utm_link"]["destination"].dropna()), None)
        if link is None:
            raise NotFoundError(f"landing page {asset_id!r} has no link to point at")
        items = tuple(landing.Product(name=_product_name(u), url=u)
                      for u in json.loads(products or "[]"))
        return landing.render_landing(landing.LandingPage(
            creator_name=inf["name"], offer=offer or "", code=code, destination=link,
            products=items, lang=lang or self.ws.locale, brand_name=self.ws.name))

    # -- the redirect service ---------------------------------------------------------------
    def service_config(self, log_dir: str | Path) -> ServiceConfig:
        """What `serve-links` needs: every issued link, the allow list and the IP-hash salt."""
        s = self.settings
        rows = self.ws.store.fetch(
            "SELECT match_key, destination, id FROM tracking_assets WHERE workspace_id = ? "
            "AND kind = 'utm_link' AND destination IS NOT NULL ORDER BY match_key", [self.ws.id])
        links = {k: Link(slug=k, destination=d, asset_id=i, workspace_id=self.ws.id)
                 for k, d, i in rows}
        if not s.allowed_domains:
            raise ConfigError("set the destination allow list first: creatorroi track settings "
                              "--allow shop.example.com")
        return ServiceConfig(links=links, allowed_domains=tuple(s.allowed_domains),
                             trusted_proxies=tuple(s.trusted_proxies), salt=self.ws._salt,
                             log_dir=Path(log_dir),
                             rate_limit_per_minute=s.rate_limit_per_minute,
                             rate_burst=s.rate_burst)

    def ingest_clicks(self, log_dir: str | Path) -> ClickIngest:
        """Move the service's click log into the store; segments that did not grow are skipped,
        and every click is keyed by its id, so a re-run changes nothing."""
        log_dir = Path(log_dir)
        if not log_dir.is_dir():
            raise ConfigError(f"no click log at {log_dir.resolve()}: pass the --log-dir "
                              "serve-links writes to")
        seen = {name: size for name, size in self.ws.store.fetch(
            "SELECT name, size FROM click_segments WHERE workspace_id = ?", [self.ws.id])}
        result = ClickIngest()
        for seg in segments(log_dir):
            size = seg.stat().st_size
            if seen.get(seg.name) == size:
                continue
            reader = ClickReader(log_dir, paths=[seg])
            records = list(reader)
            skipped = reader.skipped
            mine = [r for r in records if r.workspace_id == self.ws.id]
            frame = build_frame("clicks", [dict(
                id=r.id, slug=r.slug, clicked_at=r.clicked_at, visitor_hash=r.visitor_hash,
                user_agent=r.user_agent, referrer=r.referrer, is_bot=r.is_bot) for r in mine])
            with self.ws.store.transaction():
                done = self.ws.store.upsert("clicks", frame, ["id"], workspace_id=self.ws.id)
                self.ws.store.upsert("click_segments", build_frame("click_segments", [dict(
                    name=seg.name, size=size, records=len(records), skipped=skipped,
                    ingested_at=datetime.now(UTC))]), ["name"], workspace_id=self.ws.id)
                if done.new or done.changed:
                    self.ws.store.execute(
                        "UPDATE workspaces SET attributed_at = NULL WHERE id = ?", [self.ws.id])
            result.segments += 1
            result.new += done.new
            result.skipped += skipped
            result.bots += sum(r.is_bot for r in mine)
        return result

    # -- lookups ----------------------------------------------------------------------------
    def _influencer(self, id: str) -> dict[str, Any]:
        rows = self.ws.store.fetch("SELECT id, name FROM influencers WHERE workspace_id = ? "
                                   "AND id = ?", [self.ws.id, id])
        if not rows:
            raise _CellError("influencer", f"no influencer {id!r} in workspace {self.ws.id!r}")
        accounts = self.ws.store.fetch(
            "SELECT platform, handle FROM accounts WHERE workspace_id = ? AND influencer_id = ? "
            "ORDER BY platform, handle", [self.ws.id, id])
        return dict(id=rows[0][0], name=rows[0][1], accounts=accounts)

    def _post(self, id: str, influencer: str, campaign: str) -> str:
        rows = self.ws.store.fetch("SELECT influencer_id, campaign_id FROM posts WHERE "
                                   "workspace_id = ? AND id = ?", [self.ws.id, id])
        if not rows:
            raise _CellError("post", f"no post {id!r} in workspace {self.ws.id!r}")
        if rows[0] != (influencer, campaign):
            raise _CellError("post", f"post {id!r} is {rows[0][0]}'s in {rows[0][1]}, not "
                             f"{influencer}'s in {campaign}")
        return id

    def _campaign(self, id: str) -> dict[str, Any]:
        rows = self.ws.store.fetch("SELECT id, name, starts_on, ends_on FROM campaigns "
                                   "WHERE workspace_id = ? AND id = ?", [self.ws.id, id])
        if not rows:
            raise _CellError("campaign", f"no campaign {id!r} in workspace {self.ws.id!r}")
        r = rows[0]
        return dict(id=r[0], name=r[1], starts_on=as_date(r[2]), ends_on=as_date(r[3]))

    def _issued(self) -> tuple[_Taken, dict[str, dict[str, Any]]]:
        """What is already issued: codes, slugs and paths by holder, and each asset by id."""
        taken = _Taken()
        tables = {"promo_code": taken.codes, "utm_link": taken.slugs,
                  "landing_page": taken.paths}
        existing: dict[str, dict[str, Any]] = {}
        for id, kind, key, dest in self.ws.store.fetch(
                "SELECT id, kind, match_key, destination FROM tracking_assets "
                "WHERE workspace_id = ?", [self.ws.id]):
            if kind in tables:
                tables[kind][key] = id
            existing[id] = dict(match_key=key, destination=dest)
        return taken, existing


@dataclass
class ClickIngest:
    segments: int = 0
    new: int = 0
    bots: int = 0
    skipped: int = 0


class _CellError(ConfigError):
    """A problem a roster row can be blamed for, with the column to blame."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


_BLAME = {"promo_code": "code", "utm_link": "destination", "landing_page": "offer"}


def _page_key(page: Mapping[str, Any]) -> tuple[Any, Any]:
    return page.get("offer"), page.get("products")


_YES = {"yes", "y", "true", "1", "x", "si", "sì"}


def _request(v: Mapping[str, str]) -> Request:
    for col in ("influencer", "campaign"):
        if not v.get(col):
            raise _CellError(col, "required value is empty")
    platform = v.get("platform") or None
    if platform:
        try:
            Platform.parse(platform)
        except ValueError as exc:
            raise _CellError("platform", str(exc)) from None
    flag = (v.get("landing") or "").strip().lower()
    if flag and flag not in _YES | {"no", "n", "false", "0"}:
        raise _CellError("landing", f"{v['landing']!r}: write yes or no")
    products = tuple(p.strip() for p in (v.get("products") or "").split("|") if p.strip())
    for p in products:
        if urlsplit(p).scheme not in ("http", "https"):
            raise _CellError("products", f"{p!r} is not an http(s) URL")
    return Request(influencer=v["influencer"], campaign=v["campaign"], platform=platform,
                   placement=v.get("placement") or None, destination=v.get("destination") or None,
                   code=v.get("code") or None, slug=v.get("slug") or None,
                   landing=flag in _YES, offer=v.get("offer") or None, products=products,
                   post=v.get("post") or None)


def _handle_for(inf: Mapping[str, Any], platform: str | None) -> str:
    """The handle on the platform the asset is for, else the first account, else the name."""
    accounts: Iterable[tuple[str, str]] = inf["accounts"]
    for p, h in accounts:
        if p == platform:
            return h
    for _, h in accounts:
        return h
    return str(inf["name"])


def _campaign_word(camp: Mapping[str, Any]) -> str:
    """The campaign's name without a trailing year, since the pattern adds ``{YY}`` itself:
    ``Easter 2024``, ``Easter 24`` and ``Easter`` all give ``Easter``."""
    name = str(camp["name"]).strip()
    year = camp["starts_on"].year
    stripped = re.sub(rf"[\s_-]*(?:{year}|{year % 100:02d})$", "", name).strip()
    return stripped or name


def _strip_utm(url: str | None) -> str | None:
    return utm.parse_url(url)[0] if url else None


def _product_name(url: str) -> str:
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return last.replace("-", " ").replace("_", " ").strip().capitalize() or url
