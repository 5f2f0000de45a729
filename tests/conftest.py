"""Shared fixtures: small valid documents to write into files."""

from __future__ import annotations

import copy

import pytest

ITEM = {
    "code": "11370500004275432X-XK-0001",
    "name": "建设工程规划许可证核发",
    "type": "licensing",
    "department": "东营市自然资源和规划局",
    "region": "370500",
    "level": "city",
    "legal_limit": {"amount": 20},
    "promised_limit": {"amount": 5},
    "fees": [{"name": "执照工本费", "amount": "10.00"}],
}

CASE = {
    "id": "DY2015-00000001",
    "item_code": "11370500004275432X-XK-0001",
    "region": "370523",
    "department": "广饶县行政审批服务局",
    "applicant": {
        "kind": "person",
        "name": "张伟",
        "identifier": {"kind": "ric", "number": "37050219900307123X"},
    },
    "received_at": "2015-03-02T09:30:00+08:00",
}


@pytest.fixture
def item_doc() -> dict:
    return copy.deepcopy(ITEM)


@pytest.fixture
def case_doc() -> dict:
    return copy.deepcopy(CASE)
