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


# The buildings: 1–6栋 are the six-storey blocks of 惠泉花园小区, 7–12栋 the high-rises of 泉心苑小区;
# two doors a floor in every unit (301, 302 … 1101, 1102). Three buildings make a grid (网格).
@dataclass(frozen=True)
class Building:
    number: int
    units: int
    floors: int
    estate: str

    @property
    def grid(self) -> str:
        return GRIDS[(self.number - 1) // 3]

    def doors(self) -> list[tuple[int, str]]:
        """(unit, room) of every door, room as 501 / 1102."""
        return [(unit, f"{floor}{door:02d}") for unit in range(1, self.units + 1)
                for floor in range(1, self.floors + 1) for door in range(1, DOORS_PER_FLOOR + 1)]


GRIDS = ("第一网格", "第二网格", "第三网格", "第四网格")
DOORS_PER_FLOOR = 2
BUILDINGS: tuple[Building, ...] = tuple(
    Building(number, units, floors, "惠泉花园小区" if number <= 6 else "泉心苑小区")
    for number, units, floors in ((1, 3, 6), (2, 3, 6), (3, 2, 6), (4, 3, 6), (5, 2, 6), (6, 2, 6),
                                  (7, 2, 11), (8, 2, 11), (9, 3, 18), (10, 2, 18), (11, 2, 11), (12, 3, 18)))


def resident_address(rng: random.Random) -> str:
    """A door in the community: 3栋2单元501, 9栋1单元1102."""
    building = rng.choice(BUILDINGS)
    unit, floor, door = rng.randint(1, building.units), rng.randint(1, building.floors), rng.randint(1, DOORS_PER_FLOOR)
    return f"{building.number}栋{unit}单元{floor}{door:02d}"


def demo_phone(rng: random.Random) -> str:
    """A mobile number of the 1xx form (13x, 15x, 17x, 18x)."""
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def fill_profile(ctx: DemoContext) -> None:
    save_profile(ctx.session, demo_profile())
