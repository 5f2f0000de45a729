"""Applicants of the demo: persons and enterprises of Dongying, deterministic by seed.

:class:`ApplicantPool` numbers its applicants: person ``k`` of a region and enterprise ``k``
are computed from the seed and ``k`` alone (no table is built), made once and kept, so a
year of 175,000 cases, where many applicants come back, costs a few tens of thousands of
records. Every identifier is valid and unique in the pool: the slot of person ``k``
(birth day and sequence number of the identity number) and the organisation code of
enterprise ``k`` are a bijection of ``k`` (an affine map modulo the number of slots).

Identity numbers carry the region of the household registration as it was when the card
was issued: Kenli's people have 370521 (垦利县), the code of 2015. One person in twelve is
born between 1925 and 1945 (70 or older in 2015: Guangrao waives their fees); the others
between 1950 and 1996.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import overload

from stdnum.cn import ric, uscc

from govservice.demo.catalog import organisation_code
from govservice.model import Contact, Identifier, Party

PERSON_REGIONS: Mapping[str, str] = {
    "370500": "370502",
    "370502": "370502",
    "370503": "370503",
    "370505": "370521",
    "370522": "370522",
    "370523": "370523",
}
"""The identity-number region of the people who apply at each centre (the city centre's
applicants mostly live in 东营区)."""

_SHARED = {"370500": 0, "370502": 1}
"""The centres whose people share a region of identity numbers (东营区), and their share."""

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎潘杜"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰鹏飞海燕晓东亮宁新宇志彬斌瑞凯浩欣怡梅琳莉倩雪婷慧颖佳振国庆春岩峰毅晨阳荣博健丹"
_COUNTY_PREFIX = {
    "370500": "东营市",
    "370502": "东营市",
    "370503": "东营市河口区",
    "370505": "东营市垦利区",
    "370522": "利津县",
    "370523": "广饶县",
}
_BRANDS = "黄河胜利鲁明海科华泰利华东港金岭万达正和宝港天信永安鑫源国瑞恒通宏远顺达康达汇丰新凯博源富海联合"
_TRADES = (
    "化工", "石油装备", "石油工程技术服务", "建筑工程", "建筑安装", "物流", "食品", "商贸",
    "房地产开发", "橡胶", "轮胎", "纺织", "造纸", "机械制造", "新材料", "生物科技",
    "医药", "农业科技", "水产养殖", "餐饮管理", "酒店管理", "汽车销售服务", "电力工程",
    "环保科技", "置业", "港务", "盐化", "石油化工",
)  # fmt: skip
_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")

_SEQ = 1000
_ELDER_DAYS = (dt.date(1945, 12, 31) - dt.date(1925, 1, 1)).days + 1
_ADULT_DAYS = (dt.date(1996, 12, 31) - dt.date(1950, 1, 1)).days + 1
_ORG_SLOTS = 10**8
_STEP = 7_919_731  # prime, coprime with every number of slots used here


def _slot(k: int, slots: int, offset: int) -> int:
    """Slot of ``k`` (< ``slots``): a bijection of 0..slots-1 for a step coprime with it."""
    return (k * _STEP + offset) % slots


_SEQUENCE_REGIONS = ("370500",) * 4 + ("370502", "370503", "370505", "370522", "370523", "370502")
"""Where applicant ``i`` of the sequence applies: the city centre four times in ten."""
_POSITIONS = tuple(
    (region, _SEQUENCE_REGIONS[:i].count(region), _SEQUENCE_REGIONS.count(region))
    for i, region in enumerate(_SEQUENCE_REGIONS)
)


class ApplicantPool(Sequence[Party]):
    """Numbered applicants for one seed. Same seed, same applicants; another seed, others.

    :meth:`person` and :meth:`enterprise` give applicant ``k`` of a centre's region;
    :meth:`draw_person` and :meth:`draw_enterprise` pick one with ``rng`` (a
    :class:`random.Random`) among the first ``persons`` / ``enterprises`` of the region,
    small numbers more often (people and firms who come back).

    The pool is also a sequence of ``size`` applicants (``pool[i]``, ``len``, iteration),
    built on demand: of every ten, four apply at the city centre and six at the county
    centres, and two in five are enterprises."""

    def __init__(
        self,
        seed: int,
        *,
        persons: int = 30_000,
        enterprises: int = 8_000,
        size: int = 40_000,
    ) -> None:
        self.seed = seed
        self.persons = persons
        self.enterprises = enterprises
        self.size = size
        self._offset = random.Random(seed).randrange(1 << 30)
        self._people: dict[tuple[str, int], Party] = {}
        self._firms: dict[tuple[str, int], Party] = {}

    def __repr__(self) -> str:
        return f"ApplicantPool(seed={self.seed}, size={self.size})"

    # --- persons ---------------------------------------------------------------------------

    def person(self, k: int, centre_region: str = "370500") -> Party:
        """Person ``k`` of the people applying at the centre of ``centre_region``."""
        if centre_region in _SHARED:  # the city's people are 东营区's: every other one
            k = 2 * k + _SHARED[centre_region]
        key = (PERSON_REGIONS[centre_region], k)
        found = self._people.get(key)
        if found is None:
            found = self._people[key] = self._make_person(*key)
        return found

    def _make_person(self, region: str, k: int) -> Party:
        elder = k % 12 == 0
        days, first = (
            (_ELDER_DAYS, dt.date(1925, 1, 1)) if elder else (_ADULT_DAYS, dt.date(1950, 1, 1))
        )
        index = k // 12 if elder else k - k // 12 - 1
        slot = _slot(index, days * _SEQ, self._offset + int(region))
        born = first + dt.timedelta(days=slot // _SEQ)
        body = f"{region}{born:%Y%m%d}{slot % _SEQ:03d}"
        number = body + ric.calc_check_digit(body + "0")
        local = random.Random(f"{self.seed}:{region}:p{k}")
        name = local.choice(_SURNAMES) + local.choice(_GIVEN)
        if local.random() < 0.7:
            name += local.choice(_GIVEN)
        phone = f"1{local.choice('35789')}{local.randrange(10**9):09d}"
        return Party(
            kind="person",
            name=name,
            identifier=Identifier(kind="ric", number=number),
            contact=Contact(name=name, phone=phone),
        )

    def draw_person(self, rng: random.Random, centre_region: str = "370500") -> Party:
        """A person applying at the centre of ``centre_region``."""
        return self.person(int(self.persons * rng.random() ** 1.6), centre_region)

    # --- enterprises -----------------------------------------------------------------------

    def enterprise(self, k: int, centre_region: str = "370500") -> Party:
        """Enterprise ``k`` of those registered in ``centre_region``."""
        key = (centre_region, k)
        found = self._firms.get(key)
        if found is None:
            found = self._firms[key] = self._make_enterprise(centre_region, k)
        return found

    def _make_enterprise(self, region: str, k: int) -> Party:
        body = f"{_slot(k, _ORG_SLOTS, self._offset + int(region) * 7):08d}"
        code = "91" + region + organisation_code(body)
        code += uscc.calc_check_digit(code)
        local = random.Random(f"{self.seed}:{region}:e{k}")
        brand = "".join(local.sample(_BRANDS, 2))
        name = f"{_COUNTY_PREFIX[region]}{brand}{local.choice(_TRADES)}{local.choice(_FORMS)}"
        return Party(
            kind="enterprise",
            name=name,
            identifier=Identifier(kind="uscc", number=code),
            contact=Contact(phone=f"0546-{local.randrange(10**7):07d}"),
        )

    def draw_enterprise(self, rng: random.Random, centre_region: str = "370500") -> Party:
        """An enterprise applying at the centre of ``centre_region``."""
        return self.enterprise(int(self.enterprises * rng.random() ** 1.6), centre_region)

    # --- the sequence view ------------------------------------------------------------------

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Party: ...
    @overload
    def __getitem__(self, index: slice) -> list[Party]: ...

    def __getitem__(self, index: int | slice) -> Party | list[Party]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(f"applicant {index} of a pool of {self.size}")
        region, rank, count = _POSITIONS[index % 10]
        k = index // 10 * count + rank  # the region's k-th applicant of the sequence
        if k % 5 < 2:
            return self.enterprise(k // 5 * 2 + k % 5, region)
        return self.person(k // 5 * 3 + k % 5 - 2, region)

    def region_of(self, index: int) -> str:
        """The region of the centre applicant ``index`` of the sequence applies at."""
        return _SEQUENCE_REGIONS[index % 10]

    def draw(
        self, rng: random.Random, centre_region: str = "370500", enterprise_share: float = 0.4
    ) -> Party:
        """An applicant: an enterprise with probability ``enterprise_share``, else a person."""
        if rng.random() < enterprise_share:
            return self.draw_enterprise(rng, centre_region)
        return self.draw_person(rng, centre_region)
