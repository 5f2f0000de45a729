"""The 24 city key construction projects (市重点建设项目) of 2015 on the green channel.

The yearbook: "2015年对24个市重点建设项目提供优质审批服务 … 用好审批事项'绿色通道'，实行
项目审批手续办理专人负责制 … 开展全程代办服务 … 抓好联审联批". Each :class:`KeyProject`
names its enterprise (建设单位), the city items its approvals go through (a joint review
across several departments) and the centre's agent (代办员) who handles it, by name and
staff number; :meth:`KeyProject.as_project` is the :class:`~govservice.model.Project` to
store before its cases are applied for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs
from stdnum.cn import uscc

from govservice.clock import SHANGHAI
from govservice.demo.catalog import CITY, organisation_code
from govservice.model import Identifier, Item, Party, Project, StaffMember

_PROJECTS: tuple[tuple[str, str, str], ...] = (
    # project, owner, kind of approvals (see _ROUTES)
    ("东营港经济开发区60万吨/年甲醇制烯烃项目", "东营港华海石化有限公司", "化工"),
    ("东营港经济开发区30万吨/年丙烯腈项目", "山东海瑞新材料有限公司", "化工"),
    ("东营港经济开发区液体化工品码头及罐区工程", "东营港宏远港务有限公司", "港口"),
    ("胜利油田东营原油库迁建工程", "胜利油田东胜储运有限责任公司", "化工"),
    ("胜利油田孤东采油厂稠油热采节能改造项目", "胜利油田孤东石油工程有限公司", "工业"),
    ("东营经济技术开发区石油装备产业园项目", "东营鲁明石油装备制造有限公司", "工业"),
    ("东营经济技术开发区铜冶炼及配套深加工项目", "东营方正有色金属有限公司", "化工"),
    ("东营市黄河三角洲生态城市综合体项目", "东营市黄蓝置业有限公司", "建筑"),
    ("东营市中心城区供热管网改造工程", "东营市热力有限公司", "市政"),
    ("东营市广利河综合治理工程", "东营市城市建设投资有限公司", "水利"),
    ("东营市南水北调配套工程", "东营市水务投资建设有限公司", "水利"),
    ("东营市人民医院新院区建设项目", "东营市人民医院", "医院"),
    ("东营市第二人民医院门诊综合楼项目", "东营市第二人民医院", "医院"),
    ("东营市中心城棚户区改造安置房项目", "东营市安居建设发展有限公司", "建筑"),
    ("东营市生活垃圾焚烧发电项目", "东营市绿能环保发电有限公司", "环保"),
    ("东营市西城污水处理厂扩建工程", "东营市碧水环境工程有限公司", "环保"),
    ("东营综合保税区一期工程", "东营综合保税区建设开发有限公司", "建筑"),
    ("东营市高新技术产业园电子信息孵化器项目", "东营高新科技发展有限公司", "建筑"),
    ("广饶经济开发区子午线轮胎扩能项目", "山东广饶金润轮胎有限公司", "工业"),
    ("利津经济开发区纺织产业园项目", "利津恒丰纺织有限公司", "工业"),
    ("垦利经济开发区石化装备制造项目", "东营垦利胜华石化装备有限公司", "工业"),
    ("河口蓝色经济开发区风电场项目", "东营河口华能风力发电有限公司", "能源"),
    ("东营市物流园区公铁联运中心项目", "东营市黄河三角洲物流有限公司", "港口"),
    ("东营市体育中心配套设施工程", "东营市文体设施建设管理有限公司", "市政"),
)

_ROUTES: Mapping[str, tuple[str, ...]] = {
    "化工": ("企业投资项目核准", "建设项目用地预审", "建设项目选址意见书核发",
             "建设项目环境影响报告书审批", "危险化学品建设项目安全条件审查",
             "建设工程消防设计审核", "建设工程规划许可证核发", "建筑工程施工许可证核发"),
    "工业": ("企业投资项目备案", "固定资产投资项目节能审查", "建设项目环境影响报告表审批",
             "建设工程规划许可证核发", "建设工程消防设计审核", "建筑工程施工许可证核发"),
    "港口": ("企业投资项目核准", "建设项目环境影响报告书审批", "港口经营许可",
             "建设工程规划许可证核发", "建筑工程施工许可证核发"),
    "建筑": ("政府投资项目可行性研究报告审批", "建设用地规划许可证核发", "建设工程规划许可证核发",
             "建设工程消防设计审核", "防雷装置设计审核", "建筑工程施工许可证核发"),
    "市政": ("政府投资项目可行性研究报告审批", "政府投资项目初步设计审批", "建设项目环境影响报告表审批",
             "城市道路挖掘许可", "建设工程规划许可证核发"),
    "水利": ("政府投资项目可行性研究报告审批", "河道管理范围内建设项目工程建设方案审批",
             "生产建设项目水土保持方案审批", "建设项目环境影响报告表审批", "取水许可"),
    "医院": ("政府投资项目可行性研究报告审批", "医疗机构设置审批", "建设用地规划许可证核发",
             "建设工程规划许可证核发", "建设工程消防设计审核", "建筑工程施工许可证核发"),
    "环保": ("企业投资项目核准", "建设项目环境影响报告书审批", "建设项目用地预审",
             "建设工程规划许可证核发", "排污许可证核发"),
    "能源": ("企业投资项目核准", "建设项目用地预审", "建设项目环境影响报告表审批",
             "防雷装置设计审核", "建设工程规划许可证核发"),
}  # fmt: skip
"""The approvals a project of each kind goes through, in the order they are applied for."""


@attrs.frozen(kw_only=True)
class KeyProject:
    """A key construction project of 2015 and how the centre serves it."""

    id: str
    """``XM2015-001`` … ``XM2015-024``."""
    name: str
    owner: Party
    """The enterprise building it (建设单位)."""
    kind: str
    """The kind of project (化工, 工业, 港口 …): which approvals it needs."""
    item_codes: tuple[str, ...]
    """The city items it applies for, in order (a joint review across their departments)."""
    departments: tuple[str, ...]
    """The departments of those items, each once, in order."""
    agent: StaffMember
    """The centre's agent (代办员) who handles it: the dedicated handler (专人负责)."""
    created_at: dt.datetime
    """When the centre opened it (Asia/Shanghai, a working morning of 2015)."""
    region: str = CITY

    @property
    def items(self) -> tuple[str, ...]:
        """The same as :attr:`item_codes`."""
        return self.item_codes

    @property
    def project(self) -> Project:
        """The project record as opened on :attr:`created_at` (:meth:`as_project`)."""
        return self.as_project()

    def as_project(self, created_at: dt.datetime | None = None) -> Project:
        """The project record, open, key, on the green channel, handled by its agent,
        created at ``created_at`` (default: :attr:`created_at`)."""
        return Project(
            id=self.id,
            name=self.name,
            region=self.region,
            owner=self.owner,
            created_at=created_at or self.created_at,
            key_project=True,
            green_channel=True,
            handler=self.agent.name,
            agent=self.agent.staff_number or self.agent.name,
        )


def _opening(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2015, month, day, hour, 30, tzinfo=SHANGHAI)


_OPENED = tuple(
    _opening(month, day)
    for month, day in (
        (2, 3), (2, 10), (3, 4), (3, 11), (3, 18), (3, 25), (4, 8), (4, 15), (4, 22),
        (5, 6), (5, 13), (5, 20), (6, 3), (6, 10), (6, 17), (7, 1), (7, 8), (7, 15),
        (8, 5), (8, 12), (9, 9), (9, 16), (10, 14), (10, 21),
    )
)  # fmt: skip
"""When each project was opened: Wednesdays (Tuesdays in February), from February,
after the first batch of the year's key projects was named, to October."""


def owner_code(serial: int) -> str:
    """The unified social credit code of a project's owner (an enterprise, 91…; a public
    institution such as a hospital, 12…)."""
    body = f"6{serial:07d}"
    code = "91" + CITY + organisation_code(body)
    return code + uscc.calc_check_digit(code)


def key_projects(items: Sequence[Item], agents: Sequence[StaffMember]) -> tuple[KeyProject, ...]:
    """The 24 key projects; their approvals are found among ``items`` (the city catalog) by
    name, and the projects are shared out among ``agents`` in turn."""
    by_name = {item.name: item for item in items if item.region == CITY}
    found = []
    for serial, (name, owner, kind) in enumerate(_PROJECTS, start=1):
        route = [by_name[n] for n in _ROUTES[kind]]
        code = owner_code(serial)
        if owner.endswith("医院"):
            code = "12" + code[2:-1]
            code += uscc.calc_check_digit(code)
        found.append(
            KeyProject(
                id=f"XM2015-{serial:03d}",
                name=name,
                owner=Party(
                    kind="enterprise",
                    name=owner,
                    identifier=Identifier(kind="uscc", number=code),
                ),
                kind=kind,
                item_codes=tuple(item.code for item in route),
                departments=tuple(dict.fromkeys(item.department for item in route)),
                agent=agents[(serial - 1) % len(agents)],
                created_at=_OPENED[serial - 1],
            )
        )
    return tuple(found)
