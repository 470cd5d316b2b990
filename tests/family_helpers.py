"""Builders for civic family campaigns: households, and a campaign carried through its stages
(the steps of tests/unit/test_families.py, written once for the print tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from huiquan_desk.domain.family import Decision, ReviewMethod, Stage
from huiquan_desk.services import campaigns as cs
from huiquan_desk.services import households as hs


def household(session, head="王建国", building="3", unit="2", room="501", **kw) -> int:  # type: ignore[no-untyped-def]
    return hs.create_household(session, hs.HouseholdDraft(head, building, unit, room, **kw))


def campaign_through(session, homes: Sequence[int], chosen: int, until: Stage, *, year: int = 2026,  # type: ignore[no-untyped-def]
                     method: ReviewMethod = ReviewMethod.SCORE, deeds: Sequence[str] = ()) -> int:
    """A 文明家庭 campaign of `year` with `homes` nominated by 第一网格, the first `chosen` of them
    当选 and the rest 未当选 (reason 「评议得分靠后」), carried to `until`: the notice runs from
    11-23 to 11-29 of `year`, the commendation is on 12-01."""
    cid = cs.create_campaign(session, cs.CampaignDraft("文明家庭", year, criteria=["爱国守法", "家风淳朴"],
                                                       review_method=method))
    if until is Stage.MOBILIZE:
        return cid
    cs.advance_stage(session, cid, today=date(year, 11, 1))
    ids = [cs.add_nomination(session, cid, cs.NominationDraft(
        hid, "网格", "第一网格", deeds[i] if i < len(deeds) else "孝老爱亲，热心公益")) for i, hid in enumerate(homes)]
    if until is Stage.NOMINATE:
        return cid
    cs.advance_stage(session, cid, today=date(year, 11, 5))
    decided = min(date(year, 11, 20), date.today())  # a campaign of a year to come is decided today
    member = cs.add_reviewer(session, cid, "周敏", "居民代表")
    for i, nid in enumerate(ids):
        if method is ReviewMethod.VOTE:
            cs.record_vote(session, nid, member, "for" if i < chosen else "against")
        else:
            cs.record_scores(session, nid, member, [10, 10 - min(i, 10)])
        if i < chosen:
            cs.decide(session, nid, Decision.CHOSEN, on=decided)
        else:
            cs.decide(session, nid, Decision.NOT_CHOSEN, "评议得分靠后", on=decided)
    if until is Stage.REVIEW:
        return cid
    cs.advance_stage(session, cid, today=date(year, 11, 20), on=date(year, 11, 23))
    if until is Stage.NOTICE:
        return cid
    cs.advance_stage(session, cid, today=date(year, 12, 5), on=date(year, 12, 1))
    if until is Stage.PUBLICIZE:
        cs.advance_stage(session, cid, today=date(year, 12, 5))
    return cid
