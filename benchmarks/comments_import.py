"""Streaming a million-comment dump into a workspace, beside two readers that only parse.

    python benchmarks/comments_import.py [--rows 1000000] [--chunk-rows 20000]
                                         [--formats csv,jsonl] [--memory-limit 256MB]
                                         [--no-tracemalloc] [--keep]

Data: ``--rows`` comments (deterministic, seeded) on 200 posts by 60,000 commenters over 60
days, in Italian, English, Korean, Traditional Chinese and Persian (with ZWNJ), emoji and ZWJ
sequences, mentions, hashtags and one comment in fifty spanning two lines; written as CSV and
as JSON Lines into a temporary folder.

Timed, each in a fresh process so peak memory is its own:

* creatorroi — ``comments_import.import_comments`` into a fresh DuckDB workspace: parse,
  score (the lexicon backend when ``creatorroi.quality.sentiment`` is there, else a trivial
  one; the script says which), upsert, all in one transaction. Its time is split into scoring
  (``backend.score``), writing (``store.upsert``) and parsing (the rest: reading, decoding,
  field readers, derived columns, duplicate check);
* pandas — ``pandas.read_csv`` of the whole CSV (parse only: no scoring, no store);
* duckdb — ``CREATE TABLE AS SELECT * FROM read_csv_auto(...)`` of the CSV (parse and store,
  no scoring): the floor for getting the bytes into a table.

Printed per contender: rows/s, peak memory as ``ru_maxrss`` growth over the process's size
before the work, and (unless ``--no-tracemalloc``) the tracemalloc peak from a second,
separately timed run, since tracing slows Python-heavy work several times over. DuckDB keeps
what it writes in its buffer pool up to its ``memory_limit`` (80% of RAM by default), so the
import's RSS growth includes that cache; ``--memory-limit`` caps it to show what is left.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 7
POSTS = 200
AUTHORS = 60_000

PHRASES = {
    "it": ["Lo adoro!", "che bello questo siero", "non funziona per niente", "consegna lenta",
           "pelle morbidissima dopo una settimana", "prezzo troppo alto", "lo ricompro",
           "mi ha irritato la pelle", "bellissimo video", "dove si compra?"],
    "en": ["love this", "my skin has never looked better", "total waste of money",
           "shipping took forever", "great review, thanks", "does it work on oily skin?",
           "not worth the hype", "obsessed", "ordered two already", "smells weird"],
    "ko": ["정말 좋아요", "피부가 촉촉해졌어요", "가격이 너무 비싸요", "배송이 느려요",
           "재구매 의사 있어요", "별로예요", "최고의 세럼", "어디서 사요?"],
    "zh_Hant": ["太喜歡了", "用了一週皮膚變好", "價格有點貴", "出貨太慢", "會再回購",
                "不太適合我", "推薦給朋友了"],
    "fa": ["خیلی عالیه", "می‌خواهم بخرم", "قیمتش گرونه", "پوستم نرم‌تر شد", "ارسال خیلی کند بود",
           "اصلا راضی نیستم", "ممنون از معرفی"],
}
WEIGHTS = {"it": 30, "en": 30, "ko": 15, "zh_Hant": 10, "fa": 15}
EMOJI = ["😍", "❤️", "🔥", "👍🏽", "😡", "🙏", "✨", "👨‍👩‍👧", "😂", "💯", "👎"]
FIELDS = ["id", "post_id", "author", "created_at", "text", "likes"]
NOTES: set[str] = set()


# ---- data -------------------------------------------------------------------------------

def comments(n: int) -> Any:
    rng = random.Random(SEED)
    langs = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in langs]
    start = datetime(2024, 3, 1)
    for i in range(n):
        lang = rng.choices(langs, weights)[0]
        words = rng.sample(PHRASES[lang], rng.randint(1, 2))
        if rng.random() < 0.6:
            words.append("".join(rng.choices(EMOJI, k=rng.randint(1, 3))))
        if rng.random() < 0.1:
            words.append(f"@friend{rng.randint(1, 999)}")
        if rng.random() < 0.05:
            words.append("#glowup")
        text = ("\n" if i % 50 == 0 else " ").join(words)
        at = start + timedelta(seconds=rng.randint(0, 60 * 86400))
        likes = int(rng.paretovariate(1.5)) - 1
        yield [f"c{i:08d}", f"p{rng.randrange(POSTS):03d}", f"@user_{rng.randrange(AUTHORS)}",
               at.strftime("%Y-%m-%d %H:%M"), text, likes]


def write_data(folder: Path, rows: int) -> dict[str, Path]:
    paths = {"csv": folder / "comments.csv", "jsonl": folder / "comments.jsonl",
             "posts": folder / "posts.csv"}
    with paths["csv"].open("w", encoding="utf-8", newline="") as fc, \
            paths["jsonl"].open("w", encoding="utf-8") as fj:
        writer = csv.writer(fc)
        writer.writerow(FIELDS)
        for row in comments(rows):
            writer.writerow(row)
            fj.write(json.dumps(dict(zip(FIELDS, row, strict=True)), ensure_ascii=False))
            fj.write("\n")
    with paths["posts"].open("w", encoding="utf-8", newline="") as fp:
        writer = csv.writer(fp)
        writer.writerow(["id", "campaign_id", "influencer_id", "platform", "content_type"])
        for p in range(POSTS):
            writer.writerow([f"p{p:03d}", "spring", f"creator{p % 40}", "instagram", "reel"])
    return paths


# ---- contenders (each run in a child process) -------------------------------------------

class TrivialBackend:
    """Stands in when the sentiment package is not there yet: a cost close to zero."""

    name = "trivial"

    def score(self, texts: Sequence[str]) -> list[Any]:
        @dataclass(frozen=True)
        class Score:
            value: float
            label: str
            language: str | None

        return [Score(0.0, "neutral", None) for _ in texts]


def backend() -> Any:
    try:
        from creatorroi.quality.sentiment import get_backend

        lexicon = get_backend("lexicon")
        lexicon.score([*(p for ps in PHRASES.values() for p in ps), *EMOJI])  # loads it all
        return lexicon
    except Exception as exc:  # not written yet, or broken: say so and go on
        print(f"(lexicon backend unavailable: {type(exc).__name__}: {exc})", file=sys.stderr)
        return TrivialBackend()


class Timed:
    """Wraps a callable and adds up the seconds spent in it."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


Work = Callable[[], dict[str, Any]]


def run_creatorroi(data: Path, posts: Path, folder: Path, chunk_rows: int,
                   memory_limit: str | None) -> Work:
    """Set up a fresh workspace with the posts; the returned call is what is measured."""
    from creatorroi.comments_import import import_comments
    from creatorroi.workspace import open_store

    ws = open_store(folder / f"bench-{os.getpid()}.duckdb").create_workspace(
        "bench", "Brand", "EUR", "Europe/Rome", "it")
    ws.import_file("posts", posts)
    if memory_limit:
        ws.store.execute(f"SET memory_limit = '{memory_limit}'")
    scorer = backend()
    score = Timed(scorer.score)
    scorer.score = score
    write = Timed(ws.store.upsert)
    ws.store.upsert = write  # type: ignore[method-assign]

    def work() -> dict[str, Any]:
        start = time.perf_counter()
        report = import_comments(ws, "comments", data, backend=scorer, chunk_rows=chunk_rows)
        total = time.perf_counter() - start
        stored = ws.store.fetch("SELECT count(*) FROM comments")[0][0]
        assert report.rows_read == stored, (report, stored)
        return {"seconds": total, "rows": report.rows_read, "backend": scorer.name,
                "score": score.seconds, "write": write.seconds,
                "parse": total - score.seconds - write.seconds}

    return work


def run_pandas(data: Path) -> Work:
    import pandas as pd

    def work() -> dict[str, Any]:
        start = time.perf_counter()
        frame = pd.read_csv(data)
        return {"seconds": time.perf_counter() - start, "rows": len(frame)}

    return work


def run_duckdb(data: Path, folder: Path) -> Work:
    import duckdb

    con = duckdb.connect(str(folder / f"baseline-{os.getpid()}.duckdb"))

    def work() -> dict[str, Any]:
        start = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{data}')")
        rows = con.execute("SELECT count(*) FROM t").fetchone()
        return {"seconds": time.perf_counter() - start, "rows": rows[0] if rows else 0}

    return work


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(args: argparse.Namespace) -> None:
    """One contender, once; prints a JSON line for the parent. Memory is counted from just
    before the work: imports and the empty workspace are not the import's cost."""
    data, folder = Path(args.data), Path(args.folder)
    if args.child == "creatorroi":
        work = run_creatorroi(data, Path(args.posts), folder, args.chunk_rows,
                              args.memory_limit)
    elif args.child == "pandas":
        work = run_pandas(data)
    else:
        work = run_duckdb(data, folder)
    before = rss_mb()
    if args.trace:
        tracemalloc.start()
    result = work()
    if args.trace:
        result["traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    result["rss_growth_mb"] = max(0.0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                                  - before)
    print("RESULT " + json.dumps(result))


def measure(name: str, data: Path, posts: Path, folder: Path, args: argparse.Namespace,
            trace: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", name, "--data", str(data), "--posts",
           str(posts), "--folder", str(folder), "--chunk-rows", str(args.chunk_rows)]
    if args.memory_limit:
        cmd += ["--memory-limit", args.memory_limit]
    if trace:
        cmd.append("--trace")
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if out.returncode or line is None:
        raise SystemExit(f"{name} failed:\n{out.stdout}\n{out.stderr}")
    for note in out.stderr.splitlines():
        if note not in NOTES:
            NOTES.add(note)
            print(note, flush=True)
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    parser.add_argument("--formats", default="csv,jsonl")
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit of the workspace store, "
                        "e.g. 256MB (default: DuckDB's, 80%% of RAM)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--posts", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    folder = Path(tempfile.mkdtemp(prefix="cr-comments-"))
    try:
        compare(args, folder)
    finally:
        if not args.keep:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()


def compare(args: argparse.Namespace, folder: Path) -> None:
    start = time.perf_counter()
    paths = write_data(folder, args.rows)
    sizes = {k: paths[k].stat().st_size / 2**20 for k in ("csv", "jsonl")}
    print(f"{args.rows:,} comments: CSV {sizes['csv']:.0f} MB, JSONL {sizes['jsonl']:.0f} MB "
          f"(written in {time.perf_counter() - start:.1f} s) in {folder}")

    contenders = [(f"creatorroi {fmt}", "creatorroi", paths[fmt])
                  for fmt in args.formats.split(",")]
    contenders += [("pandas.read_csv", "pandas", paths["csv"]),
                   ("duckdb read_csv_auto", "duckdb", paths["csv"])]
    header = f"{'contender':<22}{'seconds':>9}{'rows/s':>11}{'RSS +MB':>10}{'traced MB':>11}"
    print(header, flush=True)
    for label, name, data in contenders:
        result = measure(name, data, paths["posts"], folder, args, False)
        if not args.no_tracemalloc:
            traced = measure(name, data, paths["posts"], folder, args, True)
            result["traced_mb"] = traced["traced_mb"]
        rate = result["rows"] / result["seconds"]
        traced_text = f"{result['traced_mb']:>11.0f}" if "traced_mb" in result else f"{'-':>11}"
        line = (f"{label:<22}{result['seconds']:>9.1f}{rate:>11,.0f}"
                f"{result['rss_growth_mb']:>10.0f}{traced_text}")
        if name == "creatorroi":
            shares = {k: result[k] / result["seconds"] for k in ("parse", "score", "write")}
            line += (f"   parse {shares['parse']:.0%}, score {shares['score']:.0%}, "
                     f"write {shares['write']:.0%} (backend: {result['backend']})")
        print(line, flush=True)


if __name__ == "__main__":
    main()
