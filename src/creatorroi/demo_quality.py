"""The demo brand's quality inputs: briefs, comment dump, brand mentions, audience
demographics and follower samples, written from the same posts as every other demo export.

Why separate from ``demo_data``: these files draw from their own random stream, so adding them
changed no byte of the files the attribution and mix-model truths were computed from.

The story they tell: two creators bought followers (Hannah Wright's TikTok and Elena Ferrari's
Instagram, the jumps in ``demo_data.CREATORS``); their comment sections fill with generic
praise, emoji strings and the same "check my profile" text from throwaway accounts in bursts
right after posting, and a sample of their followers is full of empty profiles. Everyone
else's comments are real: mostly warm, in the creator's language (English mixed in), with
questions about price and the odd complaint. Audiences sit mostly in each creator's own
country, so the brand's Italian target is reached well by Italian creators only.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from creatorroi.demo_data import _Brand, _Post

QUALITY_SEED = 4_242
FAKE_AUDIENCES = {("hannah", "tiktok"): 0.43, ("elena", "instagram"): 0.29}
TARGET = {"target_countries": "IT|CH", "target_ages": "18-24|25-34|35-44",
          "target_genders": "female"}

REAL: dict[str, dict[str, tuple[str, ...]]] = {
    "it": {"pos": ("Lo uso da un mese e la pelle è rinata 😍", "Che bella routine, grazie!",
                   "Adoro questo siero ❤️", "Preso con il tuo codice, arrivato in due giorni 🙌",
                   "Finalmente una crema che non unge", "Sei sempre bravissima a spiegare"),
           "neu": ("Va bene anche per pelle sensibile?", "Quanto dura un flacone?",
                   "Si può usare con il retinolo?", "Il codice vale anche sul kit?"),
           "neg": ("A me ha dato irritazione, peccato 😕", "Troppo caro per quello che è",
                   "Non mi è piaciuto per niente", "La spedizione è arrivata in ritardo 😡")},
    "ko": {"pos": ("저도 써봤는데 진짜 좋아요 😍", "피부가 촉촉해졌어요!", "추천 감사해요 ❤️",
                   "코드로 샀어요 최고예요 👍"),
           "neu": ("민감성 피부도 괜찮나요?", "용량이 얼마나 돼요?", "해외 배송 되나요?"),
           "neg": ("저는 트러블이 났어요 😢", "가격이 너무 비싸요", "별로였어요")},
    "zh": {"pos": ("用了一個月皮膚變好好 😍", "超喜歡這款精華 ❤️", "謝謝推薦！很好用",
                   "用妳的折扣碼買了，很滿意 👍"),
           "neu": ("敏感肌可以用嗎？", "請問容量多少？", "台灣買得到嗎？"),
           "neg": ("我用了會過敏 😢", "太貴了", "不好用，很失望")},
    "fa": {"pos": ("عالیه، پوستم خیلی بهتر شده 😍", "ممنون از معرفی ❤️", "خیلی دوستش دارم",
                   "با کدت خریدم، راضی‌ام 👍"),
           "neu": ("برای پوست حساس مناسبه؟", "حجمش چقدره؟", "ارسال به ایتالیا دارید؟"),
           "neg": ("پوستم حساسیت داد 😢", "خیلی گرونه", "اصلاً خوب نبود")},
    "en": {"pos": ("Been using it for weeks and my skin loves it 😍", "Great routine, thanks!",
                   "Obsessed with this serum ❤️", "Bought with your code, so happy 🙌"),
           "neu": ("Is it ok for sensitive skin?", "How long does a bottle last?",
                   "Does the code work on the kit?"),
           "neg": ("Broke me out, not for me 😕", "Way too expensive", "Really disappointed")},
}
GENERIC = ("Nice pic 🔥", "wow", "😍😍😍", "Amazing!!", "🔥🔥", "Love it", "Great post",
           "👏👏👏", "so cool")
SPAM = ("Great content! Check my profile 💯", "Promote it on @growfast_pro 🚀",
        "DM us for collab 💌")
COUNTRIES = {"IT": ("IT", "CH", "DE"), "KR": ("KR", "US", "JP"), "TW": ("TW", "HK", "MY"),
             "US": ("US", "CA", "GB"), "GB": ("GB", "US", "IE"), "DE": ("DE", "AT", "IR")}


def write_quality_files(brand: _Brand) -> list[tuple[str, Path]]:
    """Write the quality exports into the brand's folder; (import kind, path) in order."""
    pr = random.Random(brand.seed * 1_000 + QUALITY_SEED)
    out: list[tuple[str, Path]] = []
    out.append(("briefs", _csv(brand.dir / "briefs.csv", _briefs(brand))))
    out.append(("comments", _jsonl(brand.dir / "comments.jsonl", _comments(brand, pr))))
    out.append(("mentions", _csv(brand.dir / "mentions.csv", _mentions(brand, pr))))
    out.append(("audience", _csv(brand.dir / "audience.csv", _audience(brand, pr))))
    out.append(("follower-sample", _csv(brand.dir / "follower_sample.csv",
                                        _follower_sample(brand, pr))))
    return out


def _briefs(brand: _Brand) -> list[dict[str, str]]:
    return [{"campaign_id": camp.id, "influencer_id": "", "market": "",
             "hashtags": "#luminaskincare", "mentions": "@lumina.skincare",
             "banned_words": "miracolo|miracle|guarisce|cure", "disclosures": "",
             "require_link": "false", "require_code": "true", "grace_days": "1", **TARGET}
            for camp in brand.campaigns.values()]


def _fake_share(p: _Post) -> float:
    return FAKE_AUDIENCES.get((p.creator.id, p.account.platform), 0.0)


def _comments(brand: _Brand, pr: random.Random) -> Iterable[dict[str, object]]:
    bots = [f"user{pr.randrange(10**7, 10**8)}" for _ in range(40)]
    for p in brand.posts:
        if p.published is None or p.content_type in ("story", "link_in_bio"):
            continue
        n = min(40, max(3, p.final.get("comments", 0) // 8))
        fans = [f"{p.creator.id[:3]}_fan{pr.randrange(400)}" for _ in range(n)]
        published = datetime.fromtimestamp(p.published, UTC)
        fake = _fake_share(p)
        happy = 0.55 + 0.15 * min(p.creator.quality, 2.0) / 2.0
        for i in range(n):
            if pr.random() < fake * 1.2:
                text = pr.choice(SPAM if pr.random() < .35 else GENERIC)
                author = pr.choice(bots)
                at = published + timedelta(seconds=pr.randrange(20, 150))
            else:
                lang = p.creator.lang if pr.random() < .85 else "en"
                u = pr.random()
                mood = "pos" if u < happy else "neu" if u < happy + .25 else "neg"
                text = pr.choice(REAL[lang][mood])
                author = fans[i]
                at = published + timedelta(minutes=pr.expovariate(1 / 600))
            if at.timestamp() >= brand.end_epoch:
                continue
            yield {"id": f"{p.id}-c{i}", "post_id": p.id, "author": "@" + author,
                   "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": text,
                   "likes": pr.randrange(0, 30)}


def _mentions(brand: _Brand, pr: random.Random) -> list[dict[str, str]]:
    rows = []
    creators = [c for c in brand.creators.values()]
    start = datetime.combine(brand.start, datetime.min.time(), UTC)
    for i in range(120):
        c = pr.choice(creators)
        lang = c.lang if pr.random() < .7 else "en"
        mood = "pos" if pr.random() < .6 else "neu" if pr.random() < .6 else "neg"
        at = start + timedelta(days=pr.uniform(0, (brand.today - brand.start).days))
        rows.append({"id": f"m{i:04d}", "platform": pr.choice(("instagram", "tiktok", "x")),
                     "author": f"@listener{pr.randrange(10**5)}",
                     "created_at": at.strftime("%Y-%m-%d %H:%M"),
                     "text": f"@lumina.skincare {pr.choice(REAL[lang][mood])}", "url": "",
                     "likes": str(pr.randrange(0, 200)),
                     "influencer_id": c.id if pr.random() < .4 else ""})
    return rows


def _audience(brand: _Brand, pr: random.Random) -> list[dict[str, str]]:
    rows = []
    at = f"{brand.today.isoformat()} 09:00"
    for c in brand.creators.values():
        for a in c.accounts:
            home, near, far = COUNTRIES.get(c.country, (c.country, "US", "GB"))
            fake = FAKE_AUDIENCES.get((c.id, a.platform), 0.0)
            own = (0.62 + 0.2 * pr.random()) * (1 - fake)
            shares = {home: own, near: (1 - own - fake) * .6, far: (1 - own - fake) * .4}
            if fake:
                shares.update({"IN": fake * .5, "BR": fake * .3, "ID": fake * .2})
            young = 0.3 + 0.2 * pr.random()
            ages = {"18-24": young, "25-34": (1 - young) * .55, "35-44": (1 - young) * .3,
                    "45-54": (1 - young) * .15}
            female = 0.7 + 0.2 * pr.random() if c.id not in ("luca", "marco") else .35
            genders = {"female": female, "male": 1 - female}
            for dim, table in (("country", shares), ("age", ages), ("gender", genders)):
                for bucket, share in table.items():
                    rows.append({"post_id": "", "platform": a.platform, "handle": "@" + a.handle,
                                 "captured_at": at, "dimension": dim, "bucket": bucket,
                                 "share": f"{100 * share:.2f}"})
    return rows


def _follower_sample(brand: _Brand, pr: random.Random) -> list[dict[str, str]]:
    sampled = (("hannah", "tiktok"), ("elena", "instagram"), ("giulia", "instagram"),
               ("chiara", "tiktok"), ("jisoo", "instagram"))
    rows = []
    for cid, platform in sampled:
        c = brand.creators[cid]
        a = next(a for a in c.accounts if a.platform == platform)
        fake_share = FAKE_AUDIENCES.get((cid, platform), 0.03)
        for i in range(150):
            fake = pr.random() < fake_share
            if fake:
                user = f"{pr.choice(('lisa', 'mark', 'user', 'x'))}{pr.randrange(10**5, 10**9)}"
                name, bio, pic = "", "", pr.random() < .25
                posts, followers, follows = pr.randrange(0, 3), pr.randrange(0, 40), \
                    pr.randrange(800, 7500)
            else:
                first = pr.choice(("anna", "marta", "jin", "sofia", "lea", "mina", "yu", "kate"))
                user = f"{first}.{pr.choice(('rossi', 'kim', 'chen', 'moradi', 'smith'))}" + (
                    str(pr.randrange(10, 99)) if pr.random() < .3 else "")
                name = f"{first.title()} {pr.choice(('R.', 'Kim', 'Chen', 'M.', 'Smith'))}"
                bio, pic = pr.choice(("skincare lover", "mum of two ✨", "📍Milano", "")), True
                posts, followers, follows = pr.randrange(8, 900), pr.randrange(60, 3000), \
                    pr.randrange(80, 1500)
            rows.append({"platform": platform, "handle": "@" + a.handle,
                         "follower": f"@{user}{i}" if fake else f"@{user}_{i}",
                         "full_name": name, "bio": bio,
                         "has_picture": "true" if pic else "false",
                         "external_url": "false", "private": "false", "posts": str(posts),
                         "followers": str(followers), "follows": str(follows)})
    return rows


def _csv(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _jsonl(path: Path, rows: Iterable[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
