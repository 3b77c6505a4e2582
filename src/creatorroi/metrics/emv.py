"""The default earned-media-value rate card, seeded into every new workspace.

EMV prices organic exposure as if it had been bought. There is no industry standard (each
platform vendor publishes its own card), so the default is deliberately plain and documented:
one value per action, in USD, the currency such cards are usually quoted in, the same on every
platform except where a platform's action is clearly cheaper or dearer. Replace it with your
own (``creatorroi import emv_rates card.csv``): rows you import override these, platform by
platform and action by action. Amounts in another currency are converted with your FX table.

| action      | USD per action | reading                                   |
|-------------|---------------:|-------------------------------------------|
| impressions |          0.005 | a USD 5 CPM, typical of paid social       |
| reach       |          0.006 | a USD 6 cost per thousand people reached  |
| views       |          0.02  | a USD 0.02 cost per video view            |
| likes       |          0.10  |                                           |
| comments    |          1.00  | a comment costs effort: priced 10x a like |
| shares      |          1.50  | a share carries the post to a new audience |
| saves       |          1.00  | a save signals intent to come back         |
| link_clicks |          0.80  | a typical social cost per click            |

TikTok and YouTube views are priced at USD 0.01 (views are cheaper there); X and LinkedIn
impressions at USD 0.004 and 0.008 respectively.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from creatorroi.model.enums import Platform

CURRENCY = "USD"
BASE: dict[str, Decimal] = {
    "impressions": Decimal("0.005"), "reach": Decimal("0.006"), "views": Decimal("0.02"),
    "likes": Decimal("0.10"), "comments": Decimal("1.00"), "shares": Decimal("1.50"),
    "saves": Decimal("1.00"), "link_clicks": Decimal("0.80"),
}
OVERRIDES: dict[tuple[str, str], Decimal] = {
    ("tiktok", "views"): Decimal("0.01"), ("youtube", "views"): Decimal("0.01"),
    ("x", "impressions"): Decimal("0.004"), ("linkedin", "impressions"): Decimal("0.008"),
}


def default_card() -> pd.DataFrame:
    """Rows for the ``emv_rates`` table (without workspace id)."""
    rows = [
        (p.value, action, OVERRIDES.get((p.value, action), rate), CURRENCY)
        for p in Platform for action, rate in BASE.items()
    ]
    return pd.DataFrame(rows, columns=["platform", "action", "rate", "currency"])
