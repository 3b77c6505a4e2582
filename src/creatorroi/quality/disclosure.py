"""Is a paid post disclosed the way its market's rules accept, where a reader sees it?

Why "where a reader sees it": Instagram shows about the first 125 characters of a caption and
hides the rest behind "more"; regulators (FTC, ASA, AGCM) want the label upfront, so a tag
buried among thirty hashtags at the end is reported (``warn``) even though it is there. An upfront
label may also be written without ``#`` (``[ad]``, ``(adv)``, ``AD |``, ``[광고]``).

Why name other markets' tags: ``#ad`` on a post for Korean followers is a real label in the
wrong language for the KFTC; the fix is the market's own tag, so the finding says which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from creatorroi.model.disclosures import DEFAULT_DISCLOSURES
from creatorroi.quality.caption import Token, hashtags, leading_label, tag_key
from creatorroi.quality.nearmiss import near_miss
from creatorroi.quality.verdict import Message, Verdict

ANY_MARKET = "*"
# Characters of a caption shown before "more" (Instagram's feed; other apps show as many or more).
VISIBLE_CHARS = 125


def market_of(market: str | None, country: str | None) -> str:
    """The brief's market, else the creator's country, else ``*``."""
    for value in (market, country):
        if value and value.strip():
            return value.strip().upper()
    return ANY_MARKET


def accepted_tags(market: str, brief_tags: Sequence[str],
                  lists: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The brief's own list if it has one, else the market's (settings), else the ``*`` list."""
    if brief_tags:
        return tuple(brief_tags)
    return tuple(lists.get(market) or lists.get(ANY_MARKET) or DEFAULT_DISCLOSURES[ANY_MARKET])


def _listed(tags: Sequence[str]) -> str:
    return ", ".join(f"#{t}" for t in tags)


def _for_market(market: str, msgid: str, any_msgid: str, **values: str | int) -> Message:
    if market == ANY_MARKET:
        return Message(any_msgid, values)
    return Message(msgid, {**values, "market": market})


def check_disclosure(caption: str, extra_tags: Sequence[str], market: str,
                     accepted: Sequence[str],
                     lists: Mapping[str, Sequence[str]]) -> Verdict:
    """``ok`` when an accepted tag shows upfront, ``warn`` when only after ``VISIBLE_CHARS``,
    ``fail`` otherwise: with a near miss, another market's tag or nothing."""
    wanted = {tag_key(t): t for t in accepted}
    label = leading_label(caption)
    tags = hashtags(caption)
    extra = [Token(t, tag_key(t), -1, -1) for t in extra_tags if t.strip()]
    for token in label:
        if token.key in wanted:
            return Verdict("ok", Message("disclosed with {tag}", {"tag": token.text}))
    in_caption = [t for t in tags if t.key in wanted]
    visible = [t for t in in_caption if t.end <= VISIBLE_CHARS]
    if visible:
        return Verdict("ok", Message("disclosed with {tag}", {"tag": f"#{visible[0].text}"}))
    if in_caption:
        tag = f"#{in_caption[0].text}"
        return Verdict(
            "warn",
            Message("disclosure {tag} comes after the first {limit} characters, hidden behind "
                    "“more”", {"tag": tag, "limit": VISIBLE_CHARS}),
            (Message("move {tag} to the start of the caption", {"tag": tag}),))
    if any(t.key in wanted for t in extra):
        # listed by the export but not in the caption text: present, position unknown
        shown = next(t for t in extra if t.key in wanted)
        return Verdict("ok", Message("disclosed with {tag}", {"tag": f"#{shown.text}"}))

    written = {t.key: f"#{t.text}" for t in [*extra, *tags]}
    written.update({t.key: t.text for t in label if t.key not in written})
    elsewhere = {tag_key(t) for ts in lists.values() for t in ts} - set(wanted)
    listing = _listed(accepted)
    right = f"#{accepted[0]}" if accepted else "#ad"
    for key in wanted:
        miss = near_miss(key, [k for k in written if k not in elsewhere])
        if miss is not None:
            return Verdict(
                "fail",
                _for_market(market, "{tag} is not an accepted disclosure in {market}; "
                                    "accepted: {accepted}",
                            "{tag} is not an accepted disclosure; accepted: {accepted}",
                            tag=written[miss], accepted=listing),
                (Message("replace {wrong} with {right}",
                         {"wrong": written[miss], "right": f"#{wanted[key]}"}),))
    foreign = [k for k in written if k in elsewhere]
    if foreign:
        return Verdict(
            "fail",
            _for_market(market, "{tag} is another market's disclosure, not accepted in "
                                "{market}; accepted: {accepted}",
                        "{tag} is another market's disclosure; accepted: {accepted}",
                        tag=written[foreign[0]], accepted=listing),
            (Message("replace {wrong} with {right}",
                     {"wrong": written[foreign[0]], "right": right}),))
    return Verdict("fail",
                   _for_market(market, "no disclosure for {market}; accepted: {accepted}",
                               "no disclosure; accepted: {accepted}", accepted=listing),
                   (Message("add {right}", {"right": right}),))
