"""Benchmark: validating case records, ours against plain jsonschema and raw jsonschema-rs.

Run: ``python benchmarks/validate.py`` (``--quick`` for a smoke run). The last line printed
is one JSON object:

    {"records": N, "ours_per_s": ..., "jsonschema_per_s": ..., "compiled_per_s": ...,
     "invalid_ours_per_s": ..., ...ratios and memory figures...}

- ``ours``: the code path of ``govservice validate`` (``check_records``) on in-memory
  documents: compiled fast path, identifier check digits included.
- ``compiled``: the raw jsonschema-rs validator, compiled from the same schemas with the
  same format checks, ``is_valid`` only (it ignores ``x-govservice-check``, as any other
  validator does; ours runs those cross-field checks as well).
- ``jsonschema``: plain ``jsonschema.Draft202012Validator.is_valid``, reused, with the same
  formats (timed on a sample; it is slow).
- ``invalid_ours``: invalid records, each with its full list of located problems; its
  baseline ``invalid_jsonschema`` is plain jsonschema's ``iter_errors`` listing them too.
- memory: peak RSS of ``govservice validate`` on JSON Lines files of 100,000 and
  1,000,000 records, each in its own process.

Every figure comes from this run on this machine; compare ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema_rs
from stdnum.cn import ric, uscc

from govservice import schemas
from govservice.cli.validate import Tally, check_records
from govservice.kinds import KINDS
from govservice.records import Record
from govservice.validation import FORMATS, _reference, has_surrogate_escape, validator_for

CASE = KINDS["case"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REGIONS = ("370502", "370503", "370505", "370522", "370523")


def credit_codes(rng: random.Random, count: int) -> list[str]:
    codes = []
    for _ in range(count):
        body = "91" + rng.choice(REGIONS) + "".join(rng.choices(USCC_ALPHABET, k=9))
        codes.append(body + uscc.calc_check_digit(body))
    return codes


def identity_numbers(rng: random.Random, count: int) -> list[str]:
    numbers = []
    for _ in range(count):
        born = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(5000))
        body = (
            rng.choice(("370502", "370523"))
            + born.strftime("%Y%m%d")
            + f"{rng.randrange(1000):03d}"
        )
        numbers.append(body + ric.calc_check_digit(body + "0"))
    return numbers


def make_cases(count: int, seed: int = 2015) -> list[dict]:
    """``count`` valid case documents of about 25 fields each.

    As in Dongying: enterprises come from a registry of 1,190 (they apply again and
    again), each person applicant is a different person, agents are the centre's 40.
    """
    rng = random.Random(seed)
    codes, persons = credit_codes(rng, 1190), identity_numbers(rng, count)
    agents = identity_numbers(rng, 40)
    start = dt.datetime(2015, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    cases = []
    for number in range(count):
        received = start + dt.timedelta(minutes=7 * number)
        enterprise = number % 3 != 0
        applicant = {
            "kind": "enterprise" if enterprise else "person",
            "name": "东营市黄河建设有限公司" if enterprise else "张伟",
            "identifier": {"kind": "uscc", "number": rng.choice(codes)}
            if enterprise
            else {"kind": "ric", "number": persons[number]},
            "contact": {
                "phone": "0546-8888" + f"{number % 10000:04d}",
                "address": "东营区府前大街59号",
            },
        }
        cases.append(
            {
                "id": f"DY2015-{number:08d}",
                "item_code": "11370500004275432Y-XK-0001",
                "item_version": 2,
                "region": REGIONS[number % len(REGIONS)],
                "department": "东营市自然资源和规划局",
                "station_code": "DY-CENTRE",
                "applicant": applicant,
                "agent": {
                    "kind": "person",
                    "name": "李娜",
                    "identifier": {"kind": "ric", "number": rng.choice(agents)},
                },
                "materials": [
                    {"name": "建设工程规划许可申请表", "originals": 1},
                    {"name": "营业执照副本复印件", "copies": 1},
                    {"name": "建设工程设计方案", "originals": 1, "copies": 2},
                ],
                "state": "accepted",
                "received_at": received.isoformat(),
                "accepted_at": (received + dt.timedelta(hours=1)).isoformat(),
                "promised_due": (received.date() + dt.timedelta(days=9)).isoformat(),
                "legal_due": (received.date() + dt.timedelta(days=28)).isoformat(),
                "green_channel": number % 10 == 0,
                "full_agency": number % 20 == 0,
                "handler": "王强",
                "fees": [{"name": "工本费", "amount": "10.00"}],
                "events": [
                    {
                        "at": received.isoformat(),
                        "actor": "applicant",
                        "role": "applicant",
                        "action": "apply",
                        "to_state": "submitted",
                    },
                    {
                        "at": (received + dt.timedelta(hours=1)).isoformat(),
                        "actor": "clerk-07",
                        "role": "window_clerk",
                        "action": "accept",
                        "from_state": "submitted",
                        "to_state": "accepted",
                    },
                ],
            }
        )
    return cases


def make_invalid(valid: list[dict], count: int) -> list[dict]:
    """``count`` invalid cases, each with several problems of different kinds."""
    invalid = []
    for number in range(count):
        case = json.loads(json.dumps(valid[number % len(valid)]))
        identifier = case["applicant"]["identifier"]
        identifier["number"] = identifier["number"][:-1] + (
            "0" if identifier["number"][-1] != "0" else "1"
        )
        case["state"] = "approved"
        case["fees"][0]["amount"] = "-10.00"
        case["region"] = "37052"
        del case["department"]
        invalid.append(case)
    return invalid


def rate(function, documents: list) -> float:
    started = time.perf_counter()
    function(documents)
    return len(documents) / (time.perf_counter() - started)


def ours(documents: list) -> None:
    # as the readers mark records whose text has no escape of a surrogate (these documents'
    # JSON text has none: see main), which need no look for a lone one
    records = (
        Record("bench", 1, number, doc, surrogate_escape=False)
        for number, doc in enumerate(documents, 1)
    )
    for _ in check_records(records, validator_for(CASE), Tally()):
        pass


def compiled_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(
        schemas.schema_for(CASE.schema_id),
        registry=schemas.compiled_registry(),
        formats=FORMATS,
        validate_formats=True,
    )


def peak_rss_mib(path: Path) -> float:
    """Peak RSS of ``govservice validate`` on ``path``, measured in a process of its own."""
    probe = (
        "import resource, sys; from govservice.cli import main; "
        "status = main(['validate', '--kind', 'case', sys.argv[1]]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
        "sys.exit(status)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"validate failed on {path}: {done.stdout[-500:]} {done.stderr[-500:]}")
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def memory_figures(sizes: tuple[int, ...]) -> dict[str, float]:
    """Peak RSS and throughput of ``govservice validate`` on JSON Lines files of ``sizes``.

    Measured first, while this process is still small: a child's peak RSS on Linux counts
    what it shared with its parent before ``exec``.
    """
    figures = {}
    lines = [json.dumps(doc, ensure_ascii=False) + "\n" for doc in make_cases(2_000, seed=7)]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"cases-{size}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for number in range(size):
                    out.write(lines[number % len(lines)])
            started = time.perf_counter()
            figures[f"peak_rss_mib_{size}"] = round(peak_rss_mib(path), 1)
            figures[f"file_records_per_s_{size}"] = round(size / (time.perf_counter() - started))
            path.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    records, bad, sample = (2_000, 200, 200) if args.quick else (100_000, 10_000, 3_000)
    memory_sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)

    memory = memory_figures(memory_sizes)
    valid = make_cases(records)
    invalid = make_invalid(valid, bad)
    assert not validator_for(CASE).problems(valid[0]), validator_for(CASE).problems(valid[0])
    assert not any(has_surrogate_escape(json.dumps(d, ensure_ascii=False)) for d in valid)
    assert len(validator_for(CASE).problems(invalid[0])) >= 4

    compiled = compiled_validator()
    plain = _reference(CASE)
    ours(valid[:1000])  # warm up caches on both sides
    compiled_per_s = rate(lambda docs: [compiled.is_valid(d) for d in docs], valid)
    ours_per_s = rate(ours, valid)
    jsonschema_per_s = rate(lambda docs: [plain.is_valid(d) for d in docs], valid[:sample])
    invalid_ours_per_s = rate(ours, invalid)
    invalid_jsonschema_per_s = rate(
        lambda docs: [list(plain.iter_errors(d)) for d in docs], invalid[:sample]
    )
    result = {
        "records": records,
        "ours_per_s": round(ours_per_s),
        "jsonschema_per_s": round(jsonschema_per_s),
        "compiled_per_s": round(compiled_per_s),
        "invalid_ours_per_s": round(invalid_ours_per_s),
        "invalid_records": bad,
        "jsonschema_sample": sample,
        "invalid_jsonschema_per_s": round(invalid_jsonschema_per_s),
        "ours_vs_compiled": round(ours_per_s / compiled_per_s, 3),
        "ours_vs_jsonschema": round(ours_per_s / jsonschema_per_s, 1),
        "invalid_ours_vs_jsonschema": round(invalid_ours_per_s / invalid_jsonschema_per_s, 1),
    }
    result |= memory
    print(
        f"valid: ours {result['ours_per_s']:,}/s, compiled {result['compiled_per_s']:,}/s "
        f"(x{result['ours_vs_compiled']}), jsonschema {result['jsonschema_per_s']:,}/s "
        f"(ours x{result['ours_vs_jsonschema']}); invalid with full lists: "
        f"{result['invalid_ours_per_s']:,}/s (x{result['invalid_ours_vs_jsonschema']})",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
