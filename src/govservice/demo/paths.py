"""How often each path of a case is taken in the simulated year, and what is said on it
(the reasons of refusals, denials, special procedures; the applicants' comments).

The shares are of a city hall's year as the yearbooks tell it: most cases granted on time,
a few in a hundred sent back for a supplement, refused at the window, withdrawn, stopped
by a special procedure or late. :mod:`~govservice.demo.simulation` draws each case's path
from them when it arrives.
"""

from __future__ import annotations

from govservice.model import Grade

P_REFUSE_AT_WINDOW = 0.025
P_SUPPLEMENT_AT_WINDOW = 0.12
P_SUPPLEMENT_UNANSWERED = 0.12
P_SUPPLEMENT_PARTIAL = 0.35
P_WITHDRAW = 0.02
P_REVIEW_SUPPLEMENT = 0.04
P_SUSPEND = 0.035
P_EXTEND = 0.02
P_DENY = 0.03
P_LATE = 0.06
P_LATE_BY_LAW = 0.3
"""Of the late cases, those late by the law's limit too."""
P_STALLED = 0.006
"""Cases left undecided for the rest of the year: red at year end."""
P_GREEN_CHANNEL = 0.01
P_EXEMPT_FEE = 0.01
P_EVALUATED = 0.65
P_RIVER_PERMIT_MISSING = 0.03
GRADES = (
    (Grade.VERY_SATISFIED, 0.70),
    (Grade.SATISFIED, 0.215),
    (Grade.BASICALLY_SATISFIED, 0.05),
    (Grade.DISSATISFIED, 0.025),
    (Grade.VERY_DISSATISFIED, 0.01),
)
LATE_GRADES = (
    (Grade.VERY_SATISFIED, 0.35),
    (Grade.SATISFIED, 0.3),
    (Grade.BASICALLY_SATISFIED, 0.15),
    (Grade.DISSATISFIED, 0.13),
    (Grade.VERY_DISSATISFIED, 0.07),
)
P_RECTIFICATION_LATE = 0.12
PROCEDURES = (
    ("expert_review", "组织专家对申请材料进行技术评审", 5),
    ("site_inspection", "组织现场勘查核实申请内容", 3),
    ("hearing", "涉及重大利益关系，依申请组织听证", 10),
    ("testing", "委托检验检测机构进行检测", 7),
    ("public_notice", "依法进行公示", 7),
)
REFUSALS = (
    "申请事项不属于本机关职权范围，已告知向有关行政机关申请",
    "申请人不具备申请资格",
    "申请事项依法不需要取得行政许可",
)
DENIALS = (
    ("经审查，申请人不符合法定条件", "《中华人民共和国行政许可法》第三十八条"),
    ("经现场核查，申请材料反映的情况与实际不符", "《中华人民共和国行政许可法》第三十八条"),
)
RIVER_PERMIT = "river_permit_number"
"""The case attribute the Lijin plugin asks of river works (利河许2015第012号)."""

COMMENTS = {
    Grade.VERY_SATISFIED: "窗口服务热情，一次办好",
    Grade.SATISFIED: "办理顺利",
    Grade.DISSATISFIED: "等候时间过长，办理进度不透明",
    Grade.VERY_DISSATISFIED: "多次往返仍未办结，超出承诺时限",
}
