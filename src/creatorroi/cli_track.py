"""`creatorroi track ...`, `serve-links` and `links ingest`: issue assets, redirect, count."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Literal

import typer

from creatorroi.cli_common import DEFAULT_STORE, StoreOpt, WsOpt, _ws, console, emit
from creatorroi.errors import ConfigError
from creatorroi.track import codes

track_app = typer.Typer(help="Issue promo codes, short links, QR codes and landing pages.",
                        no_args_is_help=True)
links_app = typer.Typer(help="The short-link click log.", no_args_is_help=True)

LogDirOpt = Annotated[Path, typer.Option("--log-dir", envvar="CREATORROI_CLICK_LOG",
                                         help="where the redirect service writes its click log")]
DEFAULT_LOG_DIR = Path("creatorroi-clicks")
_SHOWN = ["id", "kind", "influencer_id", "campaign_id", "match_key", "short_url", "destination"]


@track_app.command("settings")
def settings(
    short_domain: Annotated[str | None, typer.Option(help="e.g. go.brand.com")] = None,
    allow: Annotated[list[str] | None, typer.Option(
        help="a destination domain links may point to (repeat); replaces the list")] = None,
    code_pattern: Annotated[str | None, typer.Option(
        help="e.g. {CAMPAIGN}{YY}_{HANDLE}")] = None,
    avoid_ambiguous: Annotated[bool | None, typer.Option(
        "--avoid-ambiguous/--allow-ambiguous", help="leave out 0/O, 1/I/L ... in codes")] = None,
    utm_source: Annotated[str | None, typer.Option(help="template, e.g. {platform}")] = None,
    utm_medium: Annotated[str | None, typer.Option(help="template, e.g. influencer")] = None,
    utm_campaign: Annotated[str | None, typer.Option(help="template, e.g. {handle}")] = None,
    utm_content: Annotated[str | None, typer.Option(help="template, e.g. {placement}")] = None,
    landing_path: Annotated[str | None, typer.Option(help="e.g. /pages/{slug}")] = None,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        help="IP or CIDR whose X-Forwarded-For is believed (repeat); replaces the list")] = None,
    rate_limit: Annotated[int | None, typer.Option(
        help="requests per minute per visitor (0 = off)")] = None,
    rate_burst: Annotated[int | None, typer.Option(
        help="requests a visitor may make at once before the limit applies")] = None,
    store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None,
) -> None:
    """Show or change how codes and links are made and what the redirect service allows."""
    ws = _ws(store, workspace)
    t = ws.settings.tracking
    changes: dict[str, object] = {}
    utm_changes = {k: v for k, v in (("source", utm_source), ("medium", utm_medium),
                                      ("campaign", utm_campaign), ("content", utm_content))
                   if v is not None}
    for name, value in (("short_domain", short_domain), ("allowed_domains", allow),
                        ("code_pattern", code_pattern), ("avoid_ambiguous", avoid_ambiguous),
                        ("landing_path", landing_path), ("trusted_proxies", trusted_proxy),
                        ("rate_limit_per_minute", rate_limit), ("rate_burst", rate_burst)):
        if value is not None:
            changes[name] = value
    if utm_changes:
        changes["utm"] = t.utm.model_copy(update=utm_changes).model_dump()
    if changes:
        try:
            new = type(t).model_validate({**t.model_dump(), **changes})
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        ws.update_settings(ws.settings.model_copy(update={"tracking": new}))
        t = new
    sys.stdout.write(t.model_dump_json(indent=2) + "\n")


@track_app.command("issue")
def issue(
    influencer: Annotated[str, typer.Option(help="influencer id")],
    campaign: Annotated[str, typer.Option(help="campaign id")],
    platform: Annotated[str | None, typer.Option(help="where the link is shared")] = None,
    placement: Annotated[str | None, typer.Option(help="bio, story, feed ...")] = None,
    destination: Annotated[str | None, typer.Option(help="shop URL the link opens")] = None,
    code: Annotated[str | None, typer.Option(help="this code instead of the pattern's")] = None,
    slug: Annotated[str | None, typer.Option(help="this slug instead of the handle's")] = None,
    promo_code: Annotated[bool, typer.Option("--with-code/--no-code",
                                             help="issue a promo code")] = True,
    link: Annotated[bool, typer.Option("--link/--no-link", help="issue a short link")] = True,
    landing: Annotated[bool, typer.Option(help="also issue a landing page")] = False,
    offer: Annotated[str | None, typer.Option(help="the landing page's offer line")] = None,
    product: Annotated[list[str] | None, typer.Option(help="curated product URL (repeat)")] = None,
    post: Annotated[str | None, typer.Option(help="the post the link is for")] = None,
    fmt: Annotated[str, typer.Option("--format")] = "table",
    store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None,
) -> None:
    """Issue a promo code and a UTM short link (and a landing page) for one creator."""
    kinds = tuple(k for k, on in (("promo_code", promo_code), ("utm_link", link)) if on)
    frame = _ws(store, workspace).tracking.issue(
        influencer, campaign, platform=platform, placement=placement, destination=destination,
        code=code, slug=slug, landing=landing, offer=offer, products=tuple(product or ()),
        kinds=kinds, post=post)
    emit(frame[_SHOWN], fmt, title="Issued")


@track_app.command("roster")
def roster(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
           fmt: Annotated[str, typer.Option("--format")] = "table",
           store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Issue for a whole campaign roster (CSV or XLSX: influencer, campaign, platform, ...)."""
    frame = _ws(store, workspace).tracking.issue_roster(file)
    emit(frame[_SHOWN], fmt, title=f"Issued from {file.name}")


@track_app.command("list")
def list_(campaign: Annotated[str | None, typer.Option()] = None,
          fmt: Annotated[str, typer.Option("--format")] = "table",
          store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Every issued code, link and landing page."""
    emit(_ws(store, workspace).tracking.assets(campaign)[_SHOWN], fmt, title="Tracking assets")


@track_app.command("export-codes")
def export_codes(
    shop: Annotated[str, typer.Option(help="shopify (Matrixify), woocommerce or csv")] = "csv",
    campaign: Annotated[str | None, typer.Option()] = None,
    discount_type: Annotated[codes.DiscountType, typer.Option(
        "--type", help="percentage, fixed_amount or free_shipping")] = "percentage",
    value: Annotated[str | None, typer.Option(help="e.g. 20 (percent) or 15.00")] = None,
    usage_limit: Annotated[int | None, typer.Option(help="uses per code")] = None,
    out: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
    store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None,
) -> None:
    """The codes as the CSV a shop's bulk discount import takes."""
    try:
        amount = Decimal(value) if value is not None else None
    except InvalidOperation:
        raise ConfigError(f"--value {value!r} is not a number") from None
    text = _ws(store, workspace).tracking.export_codes(
        shop, campaign=campaign, discount_type=discount_type, value=amount,
        usage_limit=usage_limit)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {out}: {exc.strerror}") from None
        console.print(f"wrote {out}")


@track_app.command("kit")
def kit(out: Annotated[Path, typer.Option(help="folder for QR codes and landing pages")],
        campaign: Annotated[str | None, typer.Option()] = None,
        store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Write each link's QR code (SVG and PNG) and each landing page (static HTML)."""
    written = _ws(store, workspace).tracking.kit(out, campaign=campaign)
    console.print(f"wrote {len(written)} files to {out}")


def serve_links(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
    workers: Annotated[int, typer.Option(help="processes (one per core)")] = 2,
    server: Annotated[Literal["granian", "uvicorn"], typer.Option(
        help="granian or uvicorn")] = "granian",
    log_dir: LogDirOpt = DEFAULT_LOG_DIR,
    store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None,
) -> None:
    """Run the short-link redirect service for the workspace's issued links."""
    from creatorroi.links.server import serve

    ws = _ws(store, workspace)
    config = ws.tracking.service_config(log_dir / ws.id)
    path = log_dir / f"{ws.id}.links.json"
    try:
        config.log_dir.mkdir(parents=True, exist_ok=True)
        config.dump(path)
    except OSError as exc:
        raise ConfigError(f"cannot write the click log folder {log_dir}: {exc.strerror}") \
            from None
    ws.store.close()  # the service never touches the store; DuckDB allows one writer
    console.print(f"serving {len(config.links)} links on http://{host}:{port}/ "
                  f"(clicks to {config.log_dir}; `creatorroi links ingest` to count them)")
    serve(path, host=host, port=port, workers=workers, server=server)


@links_app.command("ingest")
def ingest(log_dir: LogDirOpt = DEFAULT_LOG_DIR,
           store: StoreOpt = DEFAULT_STORE, workspace: WsOpt = None) -> None:
    """Move the redirect service's click log into the store (safe to re-run, e.g. from cron)."""
    ws = _ws(store, workspace)
    r = ws.tracking.ingest_clicks(log_dir / ws.id)
    console.print(f"{r.segments} log segment(s) read: {r.new} new click(s), {r.bots} from "
                  f"bots or previews, {r.skipped} torn record(s) skipped")
