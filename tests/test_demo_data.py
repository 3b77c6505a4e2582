"""The demo brand: deterministic, shaped like the real exports, and consistent with its truth.

The arithmetic and format checks recompute everything from the written files, never from the
generator's internals, so they catch a file that an importer would misread.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from creatorroi.demo_data import DemoFiles, generate
from creatorroi.ingest.kinds import KINDS
from creatorroi.model import keys

SCALE = 0.1
ROME = ZoneInfo("Europe/Rome")

IMPORT_ORDER = [
    "influencers", "accounts", "followers", "campaigns", "goals", "posts", "assets", "costs",
    "pay_terms", "fx_rates", "emv_rates", "post_metrics", "brand_followers", "shopify-orders",
    "ga4", "sessions", "clicks", "surveys",
]

# Shopify's orders export header, written out here independently of the generator.
SHOPIFY_HEADER = """Name, Email, Financial Status, Paid at, Fulfillment Status, Fulfilled at,
Accepts Marketing, Currency, Subtotal, Shipping, Taxes, Total, Discount Code, Discount Amount,
Shipping Method, Created at, Lineitem quantity, Lineitem name, Lineitem price,
Lineitem compare at price, Lineitem sku, Lineitem requires shipping, Lineitem taxable,
Lineitem fulfillment status, Billing Name, Billing Street, Billing Address1, Billing Address2,
Billing Company, Billing City, Billing Zip, Billing Province, Billing Country, Billing Phone,
Shipping Name, Shipping Street, Shipping Address1, Shipping Address2, Shipping Company,
Shipping City, Shipping Zip, Shipping Province, Shipping Country, Shipping Phone, Notes,
Note Attributes, Cancelled at, Payment Method, Payment Reference, Refunded Amount, Vendor,
Outstanding Balance, Employee, Location, Device ID, Id, Tags, Risk Level, Source,
Lineitem discount, Tax 1 Name, Tax 1 Value, Tax 2 Name, Tax 2 Value, Tax 3 Name, Tax 3 Value,
Tax 4 Name, Tax 4 Value, Tax 5 Name, Tax 5 Value, Phone, Receipt Number, Duties,
Billing Province Name, Shipping Province Name, Payment ID, Payment Terms Name,
Next Payment Due At, Payment References"""
SHOPIFY_COLUMNS = [c.strip() for c in SHOPIFY_HEADER.replace("\n", " ").split(",")]
LINE_COLUMNS = {"Name", "Email", "Created at", "Vendor", "Lineitem discount"} | {
    c for c in SHOPIFY_COLUMNS if c.startswith("Lineitem ")}
GA4_PREAMBLE = [
    "# ----------------------------------------", "# Free form 1", "# Account: Lumina",
    "# Property: Lumina Shop", "# ----------------------------------------", "#",
    "# Start date: 20231201", "# End date: 20251130", "",
]
GA4_COLUMNS = ["Date", "Session source", "Session medium", "Session campaign",
               "Session manual ad content", "Landing page + query string", "Transaction ID",
               "Sessions", "Purchase revenue"]
TRACKED = {"code", "utm", "click", "landing", "affiliate"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate(tmp_path_factory.mktemp("demo"), scale=SCALE)


def _path(demo: DemoFiles, kind: str) -> Path:
    return dict(demo.files)[kind]


def _read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def _header(path: Path, delimiter: str = ",") -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter))


def _money(text: str) -> Decimal:
    assert re.fullmatch(r"-?\d+\.\d\d", text), f"not a 2-decimal amount: {text!r}"
    return Decimal(text)


def _shopify_orders(demo: DemoFiles) -> Iterator[tuple[dict[str, str], list[dict[str, str]]]]:
    rows = _read(_path(demo, "shopify-orders"))
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    order: list[str] = []
    for row in rows:
        if row["Name"] not in groups:
            order.append(row["Name"])
        groups[row["Name"]].append(row)
    for name in order:
        yield groups[name][0], groups[name]


def _ga4(demo: DemoFiles) -> tuple[list[str], list[list[str]]]:
    lines = _path(demo, "ga4").read_text(encoding="utf-8").split("\n")
    table = list(csv.reader(lines[len(GA4_PREAMBLE):]))
    return lines[:len(GA4_PREAMBLE)], [r for r in table if r]


def _canonical(demo: DemoFiles, kind: str) -> list[dict[str, str]]:
    return _read(_path(demo, kind), ";" if kind == "costs" else ",")


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir())}


def test_same_seed_gives_identical_bytes(demo: DemoFiles, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", scale=SCALE)
    assert _digest(again.directory) == _digest(demo.directory)
    other = generate(tmp_path / "other", seed=8, scale=SCALE)
    assert _digest(other.directory)["orders_export_1.csv"] != \
        _digest(demo.directory)["orders_export_1.csv"]


def test_files_come_in_import_order(demo: DemoFiles) -> None:
    assert [kind for kind, _ in demo.files] == IMPORT_ORDER
    assert all(p.parent == demo.directory and p.exists() for _, p in demo.files)
    assert json.loads((demo.directory / "truth.json").read_text("utf-8")) == demo.truth


@pytest.mark.parametrize("kind", [k for k in IMPORT_ORDER if k in KINDS])
def test_canonical_sheets_use_kinds_columns(demo: DemoFiles, kind: str) -> None:
    path = _path(demo, kind)
    delimiter = ";" if kind == "costs" else ","
    assert _header(path, delimiter) == [f.name for f in KINDS[kind].fields]
    rows = _read(path, delimiter)
    assert rows, f"{path.name} is empty"
    required = [f.name for f in KINDS[kind].fields if f.required]
    for i, row in enumerate(rows, start=2):
        missing = [name for name in required if not row[name]]
        assert not missing, f"{path.name} line {i}: empty required {missing}"
    assert demo.truth["files"][path.name] == len(rows)


def test_costs_are_saved_like_italian_excel(demo: DemoFiles) -> None:
    raw = _path(demo, "costs").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;category;amount;")
    assert b"\r\n" in raw
    rows = _canonical(demo, "costs")
    assert all(re.fullmatch(r"\d+,\d\d", r["amount"]) for r in rows)
    assert {r["category"] for r in rows} >= {"fee", "agent_fee", "samples", "shipping",
                                             "production", "amplification", "platform_fee",
                                             "overhead"}
    usd = {r["influencer_id"] for r in rows if r["currency"] == "USD"}
    assert usd, "some creators are paid in USD"
    rates = _canonical(demo, "fx_rates")
    assert all(Decimal("0.85") <= Decimal(r["rate"]) <= Decimal("0.95") for r in rates)
    assert min(r["date"] for r in rates) <= min(r["incurred_on"] for r in rows)
    kinds = {r["kind"] for r in _canonical(demo, "pay_terms")}
    assert kinds >= {"flat", "per_sale", "revenue_share", "hybrid"}


def test_shopify_export_has_the_real_header_and_layout(demo: DemoFiles) -> None:
    assert _header(_path(demo, "shopify-orders")) == SHOPIFY_COLUMNS
    numbers = []
    for first, rows in _shopify_orders(demo):
        numbers.append(int(first["Name"].removeprefix("#")))
        assert first["Id"].isdigit() and len(first["Id"]) >= 13
        for row in rows[1:]:
            filled = {c for c, v in row.items() if v}
            assert filled <= LINE_COLUMNS, f"{row['Name']}: order-level cells on a line row"
            assert row["Created at"] == first["Created at"]
    assert sorted(numbers) == list(range(1001, 1001 + len(numbers)))
    assert len(numbers) > 3000  # scale 0.1 of tens of thousands


def test_shopify_money_adds_up(demo: DemoFiles) -> None:
    """Subtotal = line items - discount; Total = Subtotal + shipping; Taxes = the 22% VAT
    inside Total (Italian prices include VAT); line discounts sum to the order discount."""
    statuses: dict[str, int] = defaultdict(int)
    for first, rows in _shopify_orders(demo):
        lines = sum(int(r["Lineitem quantity"]) * _money(r["Lineitem price"]) for r in rows)
        discount = _money(first["Discount Amount"])
        subtotal, shipping = _money(first["Subtotal"]), _money(first["Shipping"])
        total, taxes = _money(first["Total"]), _money(first["Taxes"])
        assert subtotal == lines - discount, first["Name"]
        assert total == subtotal + shipping, first["Name"]
        vat = (total * 22 / 122).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        assert taxes == vat == _money(first["Tax 1 Value"]), first["Name"]
        assert sum(_money(r["Lineitem discount"]) for r in rows) == discount, first["Name"]
        assert bool(first["Discount Code"]) == (discount > 0), first["Name"]
        refunded = _money(first["Refunded Amount"])
        status = first["Financial Status"]
        statuses[status] += 1
        if status == "refunded":
            assert refunded == total
        elif status == "partially_refunded":
            assert 0 < refunded < total
        else:
            assert refunded == 0
        assert bool(first["Cancelled at"]) == (status == "voided")
        assert first["Currency"] == "EUR"
    assert set(statuses) == {"paid", "refunded", "partially_refunded", "voided"}


def test_shopify_times_carry_the_rome_offset(demo: DemoFiles) -> None:
    offsets = set()
    for first, _ in _shopify_orders(demo):
        text = first["Created at"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", text), text
        at = datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")
        assert at.utcoffset() == at.astimezone(ROME).utcoffset(), text
        offsets.add(text[-5:])
    assert offsets == {"+0100", "+0200"}


def test_shopify_export_has_repeat_buyers_subscriptions_and_notes(demo: DemoFiles) -> None:
    emails: dict[str, int] = defaultdict(int)
    tags, notes = set(), []
    for first, _ in _shopify_orders(demo):
        emails[first["Email"]] += 1
        tags.add(first["Tags"])
        if first["Note Attributes"]:
            notes.extend(first["Note Attributes"].split("\n"))
    assert sum(1 for n in emails.values() if n > 1) > 100
    assert any("Subscription" in t for t in tags)
    keys_seen = {n.split(":")[0] for n in notes}
    assert keys_seen == {"landing_site", "cr_click", "affiliate_id"}
    assert any(n.startswith("landing_site: /pages/") for n in notes)


def test_every_influencer_has_a_code_per_campaign(demo: DemoFiles) -> None:
    assets = _canonical(demo, "assets")
    codes = {(a["influencer_id"], a["campaign_id"]): a["code"] for a in assets
             if a["kind"] == "promo_code"}
    worked = {(p["influencer_id"], p["campaign_id"]) for p in _canonical(demo, "posts")}
    assert worked <= set(codes)
    prefix = {"ambassadors": "LUMINA", "easter25": "EASTER25", "bf25": "BF25"}
    for (who, camp), code in codes.items():
        assert code == f"{prefix[camp]}_{who.upper()}"
    assert codes[("sara", "easter25")] == "EASTER25_SARA"  # سارا محمدی, transliterated
    assert codes[("jisoo", "bf25")] == "BF25_JISOO"
    kinds = {a["kind"] for a in assets}
    assert kinds == {"promo_code", "utm_link", "landing_page", "affiliate"}
    slugs = [a["code"] for a in assets if a["kind"] == "utm_link"]
    assert len(slugs) == len(set(slugs))
    for a in assets:
        if a["kind"] == "utm_link":
            assert a["utm_medium"] == "influencer" and a["utm_source"] in {"ig", "tt", "yt"}


def test_every_code_order_is_findable_and_no_other(demo: DemoFiles) -> None:
    """Buyers type codes in any case, with accents or spaces; the match key undoes that."""
    issued = {keys.promo_code(a["code"]): (a["influencer_id"], a["campaign_id"])
              for a in _canonical(demo, "assets") if a["kind"] == "promo_code"}
    truth = demo.truth["orders"]
    found, typed = set(), set()
    for first, _ in _shopify_orders(demo):
        number = first["Id"]
        code = first["Discount Code"]
        hit = issued.get(keys.promo_code(code)) if code else None
        t = truth[number]
        if hit:
            found.add(number)
            typed.add(code)
            assert t is not None and "code" in t["channels"], number
            assert (t["influencer"], t["campaign"]) == hit, number
        else:
            assert t is None or "code" not in t["channels"], number
    expected = {n for n, t in truth.items() if t and "code" in t["channels"]}
    assert found == expected
    assert any(c != c.upper() for c in typed) and any(c.strip() != c or " " in c for c in typed)


def test_ga4_export_layout_and_totals(demo: DemoFiles) -> None:
    preamble, table = _ga4(demo)
    assert preamble == GA4_PREAMBLE
    assert table[0] == GA4_COLUMNS
    grand, rows = table[1], table[2:]
    assert grand[0] == "Grand total" and not any(grand[1:7])
    assert int(grand[7]) == sum(int(r[7]) for r in rows)
    assert Decimal(grand[8]) == sum(Decimal(r[8]) for r in rows)
    assert all(re.fullmatch(r"\d{8}", r[0]) for r in rows)
    sources = {(r[1], r[2]) for r in rows}
    assert {("(direct)", "(none)"), ("google", "organic"), ("ig", "influencer")} <= sources
    txns = [r[6] for r in rows if r[6]]
    assert len(txns) == len(set(txns))


def test_utm_orders_have_exactly_one_tagged_purchase_session(demo: DemoFiles) -> None:
    """Consenting buyers are in GA4, the others in the first-party log; never both."""
    links = {(a["utm_source"], a["utm_campaign"].casefold(), a["utm_content"]): a
             for a in _canonical(demo, "assets") if a["kind"] == "utm_link"}
    order_id = {first["Name"].removeprefix("#"): first["Id"] for first, _ in
                _shopify_orders(demo)}
    tagged: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _ga4(demo)[1][2:]:
        if r[6] and r[2] == "influencer":
            tagged[order_id[r[6]]].append(links[(r[1], r[3].casefold(), r[4])])
    for s in _canonical(demo, "sessions"):
        if s["transaction_id"]:
            tagged[order_id[s["transaction_id"]]].append(
                links[(s["utm_source"], s["utm_campaign"].casefold(), s["utm_content"])])
    utm_orders = {n: t for n, t in demo.truth["orders"].items() if t and "utm" in t["channels"]}
    assert utm_orders
    assert set(tagged) == set(utm_orders)
    for number, t in utm_orders.items():
        (link,) = tagged[number]
        assert (link["influencer_id"], link["campaign_id"]) == (t["influencer"], t["campaign"])


def test_click_ids_lead_to_logged_clicks_on_the_creators_link(demo: DemoFiles) -> None:
    slugs = {a["code"]: a["influencer_id"] for a in _canonical(demo, "assets")
             if a["kind"] == "utm_link"}
    clicks = {c["id"]: c for c in _canonical(demo, "clicks")}
    assert len(clicks) == demo.truth["files"]["clicks.csv"]
    truth = demo.truth["orders"]
    seen = 0
    for first, _ in _shopify_orders(demo):
        for note in first["Note Attributes"].split("\n"):
            if note.startswith("cr_click: "):
                click = clicks[note.removeprefix("cr_click: ")]
                t = truth[first["Id"]]
                assert t and "click" in t["channels"]
                assert slugs[click["slug"]] == t["influencer"]
                assert click["is_bot"] == "false"
                seen += 1
    assert seen == demo.truth["totals"]["influenced"]["by_channel"]["click"]
    assert any(c["is_bot"] == "true" for c in clicks.values())


def test_truth_shares_add_up(demo: DemoFiles) -> None:
    truth: dict[str, Any] = demo.truth
    inf = truth["totals"]["influenced"]
    per = truth["influencers"]
    assert len(per) == 24
    for who, p in per.items():
        assert p["tracked_orders"] + p["survey_only_orders"] + p["untracked_orders"] == \
            p["orders"], who
        assert Decimal(p["tracked_net_eur"]) <= Decimal(p["net_eur"]), who
        assert Decimal(p["total_cost_eur"]) == Decimal(p["cost_eur"]) + Decimal(
            p["performance_pay_eur"]), who
    assert sum(p["orders"] for p in per.values()) == inf["orders"]
    assert sum(Decimal(p["net_eur"]) for p in per.values()) == Decimal(inf["net_eur"])
    assert Decimal(inf["net_eur"]) < Decimal(truth["totals"]["net_eur"])
    assert sum(p["tracked_orders"] for p in per.values()) == inf["tracked_orders"]
    assert sum(c["orders"] for c in truth["campaigns"].values()) == inf["orders"]
    driven = [t for t in truth["orders"].values() if t]
    assert len(driven) == inf["orders"]
    assert len(truth["orders"]) == truth["totals"]["orders"]
    assert sum(1 for t in driven if TRACKED & set(t["channels"])) == inf["tracked_orders"]
    assert all(t["channels"] == ["untracked"] or "untracked" not in t["channels"]
               for t in driven)
    assert sorted(t["number"] for t in driven) == sorted(set(t["number"] for t in driven))
    # DOMAIN.md: only about a quarter of purchases come through attributable links.
    assert 0.15 <= inf["tracked_share"] <= 0.35
    untracked = sum(1 for t in driven if t["channels"] in (["untracked"], ["survey"]))
    assert 0.6 <= untracked / len(driven) <= 0.85
    assert 0.05 <= inf["orders"] / truth["totals"]["orders"] <= 0.35
    rois = [p["true_roi_pct"] for p in per.values() if p["true_roi_pct"] is not None]
    assert min(rois) < 0 < max(rois)  # some creators lose money, others earn it


def test_surveys_sample_buyers_in_their_own_words(demo: DemoFiles) -> None:
    answers = _canonical(demo, "surveys")
    orders = demo.truth["orders"]
    assert 0.15 <= len(answers) / len(orders) <= 0.25
    assert all(a["order_id"] in orders for a in answers)
    texts = {a["answer"] for a in answers}
    assert {"Come ci hai conosciuto?", "How did you hear about us?"} == {
        a["question"] for a in answers}
    assert texts & {"instagram", "un'amica", "google", "tiktok"}
    named = {a["order_id"] for a in answers
             if orders[a["order_id"]] and "survey" in orders[a["order_id"]]["channels"]}
    assert named


def test_posts_and_metrics_look_like_insights(demo: DemoFiles) -> None:
    posts = {p["id"]: p for p in _canonical(demo, "posts")}
    assert {p["content_type"] for p in posts.values()} >= {"reel", "story", "feed_post",
                                                           "video", "short", "link_in_bio"}
    assert any(not p["published_at"] for p in posts.values())
    assert any(p["published_at"][:10] > p["planned_on"] for p in posts.values()
               if p["published_at"])
    assert any("#adv" in p["caption"] for p in posts.values())
    assert any("#광고" in p["caption"] for p in posts.values())
    metrics: dict[str, list[dict[str, str]]] = defaultdict(list)
    for m in _canonical(demo, "post_metrics"):
        metrics[m["post_id"]].append(m)
    assert set(metrics) <= {i for i, p in posts.items() if p["published_at"]}
    for pid, snaps in metrics.items():
        snaps.sort(key=lambda m: m["captured_at"])
        for name in ("reach", "likes", "link_clicks"):
            values = [int(s[name]) for s in snaps if s[name]]
            assert values == sorted(values), (pid, name)
    followers = _canonical(demo, "followers")
    hannah = [int(f["followers"]) for f in followers if f["handle"] == "@hannahwrightskin"]
    assert max(b / a for a, b in itertools.pairwise(hannah)) > 1.5  # bought burst
