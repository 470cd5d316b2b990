"""The demo community and its people: staff, residents' names and addresses, the profile."""

from __future__ import annotations

import random
from dataclasses import dataclass

from huiquan_desk.services.demo.context import DEMO_COMMUNITY, DemoContext
from huiquan_desk.services.settings import CommunityProfile, save_profile

# ---------------------------------------------------------------------------------------------
# The community and its people


@dataclass(frozen=True)
class Staff:
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.role}）"


STAFF: dict[str, Staff] = {
    "secretary": Staff("林秀英", "社区党支部书记、居委会主任"),
    "clerk": Staff("陈晓燕", "社区文书"),
    "security": Staff("王建国", "治保主任"),
    "women": Staff("张丽华", "社区妇联主席"),
    "grid": Staff("刘志强", "网格员"),
    "youth": Staff("黄美玲", "团支部书记"),
    "elder": Staff("郑国平", "老年协会会长"),
    "health": Staff("吴海燕", "卫生委员"),
    "mediator": Staff("周德明", "人民调解委员会主任"),
}
PHOTOGRAPHERS = ("clerk", "grid", "youth")


def demo_profile() -> CommunityProfile:
    secretary, clerk = STAFF["secretary"], STAFF["clerk"]
    return CommunityProfile(name=DEMO_COMMUNITY, street="惠泉镇", fonds_code="0194",
                            leader=secretary.name, preparer=clerk.name, phone="0591-87654321")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林郑谢罗高梁宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
GIVEN = "秀英桂兰玉梅建国志强丽华海燕明华文杰淑珍德福春生国庆红梅晓东伟静敏磊洋艳军勇霞平刚芳婷"


def resident_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def resident_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 18)}栋{rng.randint(1, 3)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}"


def fill_profile(ctx: DemoContext) -> None:
    save_profile(ctx.session, demo_profile())
