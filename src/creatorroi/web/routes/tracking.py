"""The tracking page: every code, link and landing page with its clicks and orders, the form
that issues new ones through ``ws.tracking``, and the QR codes and landing pages to download.

Input is checked here before ``ws.tracking`` sees it, so each mistake comes back next to its
field as a message in the user's language (the core's own messages are English sentences for
the CLI); whatever the core still refuses is shown on the field it names.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

import pandas as pd
from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from creatorroi.dashboard import Page, Period
from creatorroi.dashboard.tracking import asset_url, qr_target, shared_text, tracking_page
from creatorroi.errors import ConfigError, NotFoundError
from creatorroi.model import keys
from creatorroi.model.enums import Platform
from creatorroi.model.roles import Role
from creatorroi.track import qr, utm
from creatorroi.web.deps import Analyst, Ctx, PeriodQ, Viewer, WebError
from creatorroi.web.render import PageOut, api_page, cached_page, page_response, render

router = APIRouter()

# What the form offers. A QR code is drawn from a short link, so asking for one issues a link.
KINDS = ("promo_code", "utm_link", "qr", "landing_page")
MAX_PLACEMENT, MAX_OFFER, MAX_PRODUCTS, MAX_URL = 64, 500, 20, utm.MAX_URL_LENGTH
CODE_RE = re.compile(r"[A-Z0-9_-]{3,32}")
FIELDS = ("influencer", "campaign", "kinds", "platform", "placement", "destination", "code",
          "offer", "products")


@dataclass
class IssueForm:
    """What the user typed, kept as typed so a refused form comes back filled in."""

    influencer: str = ""
    campaign: str = ""
    kinds: tuple[str, ...] = ("promo_code", "utm_link")
    platform: str = ""
    placement: str = ""
    destination: str = ""
    code: str = ""
    offer: str = ""
    products: str = ""     # one address per line

    @property
    def product_list(self) -> list[str]:
        return [p.strip() for p in self.products.splitlines() if p.strip()]


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str           # English msgid with {fields}, translated on display
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    status: int = 422      # 404 for an influencer or campaign that does not exist


def _page(ctx: Ctx, p: Period) -> Page:
    return cached_page(ctx, "tracking", (p.start, p.end), lambda: tracking_page(ctx.ws, p))


def _exists(ctx: Ctx, table: str, id: str) -> bool:
    return bool(ctx.ws.store.fetch(f"SELECT 1 FROM {table} WHERE workspace_id = ? AND id = ?",
                                   [ctx.ws.id, id]))


def check(ctx: Ctx, f: IssueForm) -> list[FieldError]:
    """Every mistake in ``f`` at once, by field (call under the store lock)."""
    errors: list[FieldError] = []

    def err(name: str, message: str, status: int = 422, **values: Any) -> None:
        errors.append(FieldError(name, message, values, status))

    settings = ctx.ws.settings.tracking
    known_inf = known_camp = False
    if not f.influencer:
        err("influencer", "Choose an influencer.")
    elif not (known_inf := _exists(ctx, "influencers", f.influencer)):
        err("influencer", "There is no influencer {influencer} in this workspace.", 404,
            influencer=f.influencer)
    if not f.campaign:
        err("campaign", "Choose a campaign.")
    elif not (known_camp := _exists(ctx, "campaigns", f.campaign)):
        err("campaign", "There is no campaign {campaign} in this workspace.", 404,
            campaign=f.campaign)
    unknown = [k for k in f.kinds if k not in KINDS]
    if unknown:
        err("kinds", "Unknown kind of asset: {kind}.", kind=unknown[0])
    elif not f.kinds and not f.code:
        err("kinds", "Choose at least one thing to issue.")
    platform = None
    if f.platform:
        try:
            platform = Platform.parse(f.platform).value
        except ValueError:
            err("platform", "Choose a platform from the list.")
    if len(f.placement) > MAX_PLACEMENT:
        err("placement", "At most {max} characters.", max=MAX_PLACEMENT)
    if f.code:
        code = keys.promo_code(f.code)
        if not CODE_RE.fullmatch(code):
            err("code", "A promo code has 3 to 32 letters, digits, _ or -.")
        elif known_inf and known_camp:
            owner = ctx.ws.store.fetch(
                "SELECT id FROM tracking_assets WHERE workspace_id = ? AND kind = 'promo_code' "
                "AND match_key = ?", [ctx.ws.id, code])
            if owner and owner[0][0] != f"{f.campaign}:{f.influencer}:code":
                err("code", "The code {code} is already issued to someone else.", code=code)
    wants_link = bool({"utm_link", "qr", "landing_page"} & set(f.kinds))
    if wants_link:
        if not settings.short_domain or not settings.allowed_domains:
            err("kinds", "Links need a short-link domain and the brand's own domains: set "
                         "them in Settings first.")
        else:
            _check_destination(ctx, f, platform, err)
        if known_inf and platform is None and not ctx.ws.store.fetch(
                "SELECT 1 FROM accounts WHERE workspace_id = ? AND influencer_id = ?",
                [ctx.ws.id, f.influencer]):
            err("platform", "This influencer has no social account: choose the platform "
                            "the link is shared on.")
    if "landing_page" in f.kinds:
        if len(f.offer) > MAX_OFFER:
            err("offer", "At most {max} characters.", max=MAX_OFFER)
        products = f.product_list
        if len(products) > MAX_PRODUCTS:
            err("products", "At most {max} products.", max=MAX_PRODUCTS)
        elif any(not _allowed(p, settings.allowed_domains) for p in products):
            err("products", "Each product must be a full address on one of the brand's "
                            "domains: {domains}.", domains=", ".join(settings.allowed_domains))
    return errors


def _allowed(url: str, domains: list[str]) -> bool:
    try:
        utm.check_allowed(url, domains)
    except ValueError:
        return False
    return True


def _check_destination(ctx: Ctx, f: IssueForm, platform: str | None, err: Any) -> None:
    domains = ctx.ws.settings.tracking.allowed_domains
    dest = f.destination.strip()
    if not dest:
        # a link issued before keeps its destination when issued again
        placement = utm.normalize_value(f.placement) if f.placement else None
        aid = f"{f.campaign}:{f.influencer}:{platform or 'any'}:{placement or 'any'}:link"
        previous = ctx.ws.store.fetch("SELECT destination FROM tracking_assets WHERE "
                                      "workspace_id = ? AND id = ?", [ctx.ws.id, aid])
        if not previous or not previous[0][0]:
            err("destination", "A link needs a destination: the page of the shop it opens.")
        return
    parts = urlsplit(dest)
    if len(dest) > MAX_URL:
        err("destination", "At most {max} characters.", max=MAX_URL)
    elif parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        err("destination", "Enter a full address that starts with https://.")
    elif not utm.host_allowed(parts.hostname or "", domains):
        err("destination", "Links may only open the brand's own domains: {domains}.",
            domains=", ".join(domains))
    elif not _allowed(dest, domains):
        err("destination", "This address cannot be used for a link.")


def issue(ctx: Ctx, f: IssueForm) -> list[FieldError] | pd.DataFrame:
    """Check, then issue through ``ws.tracking``: the issued assets, or what to fix."""
    with ctx.server.lock:
        errors = check(ctx, f)
        if errors:
            return errors
        kinds = {"utm_link" if k == "qr" else k for k in f.kinds}
        if f.code:
            kinds.add("promo_code")
        landing = "landing_page" in kinds
        try:
            return ctx.ws.tracking.issue(
                f.influencer, f.campaign, platform=f.platform or None,
                placement=f.placement.strip() or None,
                destination=f.destination.strip() or None, code=f.code.strip() or None,
                landing=landing, offer=f.offer.strip() or None,
                products=tuple(f.product_list) if landing else (),
                kinds=tuple(sorted(kinds - {"landing_page"})))
        except ConfigError as exc:
            column = getattr(exc, "column", None)
            return [FieldError(column if column in FIELDS else "kinds",
                               "This could not be issued: {reason}.", {"reason": str(exc)})]


def _render_form(ctx: Ctx, p: Period, form: IssueForm, errors: list[FieldError],
                 status: int) -> Response:
    page = _page(ctx, p)
    return render(ctx.request, "tracking.html.j2", ctx=ctx, status=status, page=page,
                  **_extra(ctx, form, {e.field: e for e in errors}))


def _extra(ctx: Ctx, form: IssueForm, errors: dict[str, FieldError]) -> dict[str, Any]:
    query = [(k, v) for k, v in ctx.request.query_params.multi_items() if k in ("start", "end")]
    return {"form": form, "errors": errors, "can_issue": ctx.allows(Role.ANALYST),
            "highlight": tuple(ctx.request.query_params.getlist("new")),
            "platforms": [p.value for p in Platform],
            "form_action": f"/w/{ctx.ws.id}/tracking" + (f"?{urlencode(query)}" if query
                                                          else "")}


@router.get("/w/{ws}/tracking", include_in_schema=False)
def tracking_html(ctx: Viewer, p: PeriodQ) -> Response:
    return page_response(ctx, _page(ctx, p), "tracking.html.j2",
                         **_extra(ctx, IssueForm(), {}))


@router.post("/w/{ws}/tracking", include_in_schema=False)
def issue_from_form(ctx: Analyst, p: PeriodQ,
                    influencer: Annotated[str, Form()] = "",
                    campaign: Annotated[str, Form()] = "",
                    kind: Annotated[list[str] | None, Form()] = None,
                    platform: Annotated[str, Form()] = "",
                    placement: Annotated[str, Form()] = "",
                    destination: Annotated[str, Form()] = "",
                    code: Annotated[str, Form()] = "",
                    offer: Annotated[str, Form()] = "",
                    products: Annotated[str, Form()] = "") -> Response:
    form = IssueForm(influencer.strip(), campaign.strip(), tuple(kind or ()), platform.strip(),
                     placement, destination, code, offer, products)
    result = issue(ctx, form)
    if isinstance(result, list):
        return _render_form(ctx, p, form, result, 422)
    query = [(k, v) for k, v in ctx.request.query_params.multi_items() if k in ("start", "end")]
    query += [("new", str(i)) for i in result["id"]]
    return RedirectResponse(f"/w/{ctx.ws.id}/tracking?{urlencode(query)}#issued",
                            status_code=303)


# -- downloads ---------------------------------------------------------------------------------
def _asset(ctx: Ctx, asset_id: str) -> Any:
    with ctx.server.lock:
        assets = ctx.ws.tracking.assets()
    match = assets[assets["id"] == asset_id]
    if match.empty:
        raise WebError(404, "No tracking asset {asset} in this workspace.", field="asset_id",
                       asset=asset_id)
    return match.iloc[0]


def _filename(text: str, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "asset"
    return f"{stem}{suffix}"


def _qr_of(ctx: Ctx, asset_id: str) -> tuple[str, str]:
    a = _asset(ctx, asset_id)
    target = qr_target(str(a["kind"]), a["short_url"], a["destination"])
    if target is None:
        raise WebError(404, "This asset has no link to put in a QR code.", field="asset_id")
    return target, str(a["match_key"])


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def _qr_download(ctx: Viewer, asset_id: str, render: Callable[[str], str | bytes],
                 media_type: str, ext: str) -> Response:
    target, name = _qr_of(ctx, asset_id)
    try:
        body = render(target)
    except ValueError:
        raise WebError(422, "This link is too long for a QR code.", field="asset_id") from None
    return _download(body, media_type, _filename(name, ext))


@router.get("/w/{ws}/tracking/{asset_id}/qr.svg", include_in_schema=False)
def qr_svg(ctx: Viewer, asset_id: str) -> Response:
    return _qr_download(ctx, asset_id, qr.qr_svg, "image/svg+xml", ".svg")


@router.get("/w/{ws}/tracking/{asset_id}/qr.png", include_in_schema=False)
def qr_png(ctx: Viewer, asset_id: str) -> Response:
    return _qr_download(ctx, asset_id, qr.qr_png, "image/png", ".png")


@router.get("/w/{ws}/tracking/{asset_id}/landing.html", include_in_schema=False)
def landing_download(ctx: Viewer, asset_id: str) -> Response:
    a = _asset(ctx, asset_id)
    try:
        with ctx.server.lock:
            html = ctx.ws.tracking.landing_html(asset_id)
    except NotFoundError:
        raise WebError(404, "This asset has no landing page to download.",
                       field="asset_id") from None
    name = "landing-" + str(a["match_key"]).strip("/").replace("/", "-")
    return _download(html, "text/html; charset=utf-8", _filename(name, ".html"))


# -- API -------------------------------------------------------------------------------------
Kind = Literal["promo_code", "utm_link", "qr", "landing_page"]


class IssueIn(BaseModel):
    """What to issue for one influencer in one campaign."""

    model_config = ConfigDict(extra="forbid")

    influencer: str = Field(min_length=1, max_length=200, description="influencer id")
    campaign: str = Field(min_length=1, max_length=200, description="campaign id")
    kinds: list[Kind] = Field(
        default_factory=lambda: list[Kind](["promo_code", "utm_link"]), min_length=1,
        max_length=4,
        description="qr issues a short link and returns its QR code addresses")
    platform: Platform | None = Field(None, description="where the link is shared; default: "
                                                        "the influencer's account")
    placement: str | None = Field(None, max_length=MAX_PLACEMENT,
                                  description="utm_content: story, bio, feed ...")
    destination: str | None = Field(None, max_length=MAX_URL,
                                    description="the shop page a link opens (allow-listed)")
    code: str | None = Field(None, min_length=3, max_length=32,
                             pattern=r"^[A-Za-z0-9_-]+$",
                             description="a promo code of your own; default: the pattern's")
    offer: str | None = Field(None, max_length=MAX_OFFER, description="landing page offer")
    products: list[str] = Field(default_factory=list, max_length=MAX_PRODUCTS,
                                description="landing page product addresses")


class AssetOut(BaseModel):
    id: str
    kind: str
    influencer_id: str
    campaign_id: str
    platform: str | None
    match_key: str = Field(description="the code, the short link's slug or the page's path")
    shared: str = Field(description="what the creator shares: the code or the link")
    short_url: str | None
    destination: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    utm_content: str | None
    qr_svg: str | None
    qr_png: str | None
    landing_html: str | None


class IssuedOut(BaseModel):
    issued: list[AssetOut]


def _text(v: Any) -> str | None:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _asset_out(ctx: Ctx, a: pd.Series) -> dict[str, Any]:
    kind, aid = str(a["kind"]), str(a["id"])
    target = qr_target(kind, a["short_url"], a["destination"])
    return {
        "id": aid, "kind": kind, "influencer_id": str(a["influencer_id"]),
        "campaign_id": str(a["campaign_id"]), "platform": _text(a["platform"]),
        "match_key": str(a["match_key"]),
        "shared": shared_text(kind, str(a["match_key"]), a["short_url"], a["destination"]),
        "short_url": _text(a["short_url"]), "destination": _text(a["destination"]),
        **{f"utm_{k}": _text(a[f"utm_{k}"]) for k in ("source", "medium", "campaign",
                                                       "content")},
        "qr_svg": asset_url(ctx.ws.id, aid, "qr.svg") if target else None,
        "qr_png": asset_url(ctx.ws.id, aid, "qr.png") if target else None,
        "landing_html": asset_url(ctx.ws.id, aid, "landing.html")
        if kind == "landing_page" else None,
    }


@router.get("/api/w/{ws}/tracking", response_model=PageOut, tags=["pages"],
            summary="Tracking assets with clicks, unique clicks, attributed orders and revenue")
def tracking_api(ctx: Viewer, p: PeriodQ) -> dict[str, Any]:
    return api_page(_page(ctx, p))


@router.post("/api/w/{ws}/tracking", response_model=IssuedOut, status_code=201,
             tags=["tracking"],
             summary="Issue a promo code, short link (with QR) and/or landing page",
             responses={404: {"description": "unknown influencer or campaign"},
                        422: {"description": "a field that cannot be used, named in `field`"}})
def issue_api(ctx: Analyst, body: IssueIn) -> dict[str, Any]:
    form = IssueForm(body.influencer, body.campaign, tuple(body.kinds),
                     body.platform.value if body.platform else "", body.placement or "",
                     body.destination or "", body.code or "", body.offer or "",
                     "\n".join(body.products))
    result = issue(ctx, form)
    if isinstance(result, list):
        first = next((e for e in result if e.status == 404), result[0])
        raise WebError(first.status, first.message, field=first.field, **first.values)
    return {"issued": [_asset_out(ctx, a) for _, a in result.iterrows()]}
