"""The random draw of an agency (随机摇号), made of SHA-256 alone, so anyone can re-run it.

The draw never uses :mod:`random` (``random.Random`` is a Mersenne Twister whose seeding
and output are no published standard). Everything below can be re-implemented in any
language from this text; ``docs/draw.md`` says the same with a worked example.

Algorithm ``govservice-sha256-draw``, version 1. All text is UTF-8; SHA-256 is FIPS 180-4;
"hex" is lower-case hexadecimal.

1. **Candidates.** The credit codes (统一社会信用代码) of the eligible agencies, each once,
   sorted by code point (byte order; credit codes hold only digits and capital letters).
   Their *canonical text* is each code followed by a line feed (U+000A), e.g.
   ``"91370500MA3C0001XX\\n91370500MA3C0002XY\\n"``. ``candidates_sha256`` is the hex
   SHA-256 of that text.
2. **Commitment**, published before the draw. The canonical JSON of
   ``{"need_id": <the need's id>, "witnesses": [{"contribution": …, "name": …}, …]}``,
   witnesses in the order they were published: keys sorted, no spaces, separators ``,``
   and ``:``, strings as UTF-8 with only ``"``, ``\\`` and the control characters below
   U+0020 escaped (``\\b \\t \\n \\f \\r``, the others ``\\u00xx`` in lower-case hex), as
   RFC 8785 writes an object of strings. ``commitment`` is the hex SHA-256 of that text;
   ``committed_at``, when the record holds it, is not after the draw's ``at``.
3. **Seed.** ``seed`` is the hex SHA-256 of the 32 bytes of the commitment followed by the
   32 bytes of ``candidates_sha256`` (64 bytes, the digests as bytes, not as hex text).
4. **Stream.** Block ``i`` (``i`` = 0, 1, 2 …) is SHA-256 of the 32 bytes of the seed
   followed by ``i`` as an unsigned 64-bit big-endian integer (8 bytes).
5. **An index below n, unbiased (rejection sampling).** Take the next block; let ``x``
   be its first 8 bytes as an unsigned big-endian integer. If
   ``x >= 2**64 - (2**64 mod n)``, reject it and take the next block; otherwise the index
   is ``x mod n``. Every index is then exactly equally likely.
6. **Pool and result.** A random draw (``random-draw``) draws among all candidates. A
   ranking strategy (``ranked`` = ``lowest`` or ``highest`` on the record) draws among the
   candidates tied at the best of their recorded ``scores`` (decimal numbers as text); a
   candidate without a score ranks after every scored one, and with no score at all the
   pool is every candidate. The pool keeps the candidates' order. The result is
   ``pool[index]`` with the first index of the stream (block 0, or the first block not
   rejected).

:func:`verify` recomputes every step from a :class:`~govservice.model.Selection` record
alone and says what differs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from govservice.model import Selection, Witness

ALGORITHM = "govservice-sha256-draw"
"""The name the record carries (``Selection.algorithm``)."""
VERSION = 1
"""The version of :data:`ALGORITHM` described above (``Selection.algorithm_version``)."""
RANKINGS = ("lowest", "highest")
"""The values of ``Selection.ranked``: the pool is the candidates tied at the lowest (a
fee) or the highest (a score) of their scores."""
DIRECT = "direct"
"""The ``Selection.algorithm`` of a direct choice (直接选取): no draw, a written reason."""
BUILT_IN_RANKINGS = {"random-draw": None, "lowest-price": "lowest", "best-score": "highest"}
"""How each built-in strategy that draws ranks (``Selection.ranked``): a record of one of
them ranked otherwise was changed after the draw (a plugin's strategy ranks as it says)."""

_TWO_64 = 1 << 64
_HEX64 = re.compile(r"[0-9a-f]{64}")
T = TypeVar("T")


def sha256_hex(data: bytes) -> str:
    """The lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def candidates_text(credit_codes: Iterable[str]) -> str:
    """Step 1: each code followed by a line feed, in the order given (sort them first)."""
    return "".join(code + "\n" for code in credit_codes)


def candidates_digest(credit_codes: Iterable[str]) -> str:
    """Step 1: the hex SHA-256 of the canonical text of ``credit_codes`` (already sorted)."""
    return sha256_hex(candidates_text(credit_codes).encode("utf-8"))


def commitment_text(need_id: str, witnesses: Sequence[Witness]) -> str:
    """Step 2: the canonical JSON the commitment is the SHA-256 of."""
    value = {
        "need_id": need_id,
        "witnesses": [{"contribution": w.contribution, "name": w.name} for w in witnesses],
    }
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def commitment(need_id: str, witnesses: Sequence[Witness]) -> str:
    """Step 2: the hex SHA-256 of :func:`commitment_text`, published before the draw."""
    return sha256_hex(commitment_text(need_id, witnesses).encode("utf-8"))


def seed(commitment_hex: str, candidates_hex: str) -> str:
    """Step 3: SHA-256 of the commitment's 32 bytes then the candidates digest's 32 bytes."""
    return sha256_hex(bytes.fromhex(commitment_hex) + bytes.fromhex(candidates_hex))


class DrawStream:
    """Steps 4 and 5: the counter-mode SHA-256 stream of a seed, and unbiased indexes from it.

    Strategies get one of these for their chance (never ``random.Random``); a record is
    verifiable when its result is the stream's first :meth:`below` over the pool."""

    __slots__ = ("_seed", "counter")

    def __init__(self, seed_hex: str) -> None:
        self._seed = bytes.fromhex(seed_hex)
        self.counter = 0
        """The number of the next block."""

    def block(self) -> bytes:
        """The next 32-byte block: SHA-256(seed ‖ counter as 8 bytes, big-endian)."""
        data = hashlib.sha256(self._seed + self.counter.to_bytes(8, "big")).digest()
        self.counter += 1
        return data

    def below(self, n: int) -> int:
        """An index in ``range(n)``, each equally likely: the first 8 bytes of a block as
        an unsigned big-endian integer, a block rejected when it falls in the last,
        incomplete run of ``n`` values below 2**64."""
        if n < 1:
            raise ValueError(f"DrawStream.below: cannot draw among {n} candidates")
        limit = _TWO_64 - (_TWO_64 % n)
        while True:
            x = int.from_bytes(self.block()[:8], "big")
            if x < limit:
                return x % n

    def choose(self, pool: Sequence[T]) -> T:
        """``pool[self.below(len(pool))]``."""
        return pool[self.below(len(pool))]


def score_value(text: str) -> Decimal:
    """A recorded score or fee (decimal text) as a number; ValueError when it is not one."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        raise ValueError(f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite decimal number")
    return value


def pool(
    candidates: Sequence[str], scores: Mapping[str, str] | None, ranked: str | None
) -> list[str]:
    """Step 6: the candidates the draw is among, in their order."""
    if ranked is None:
        return list(candidates)
    if ranked not in RANKINGS:
        raise ValueError(f"ranked is {ranked!r}, not one of {', '.join(RANKINGS)}")
    values = {code: score_value(text) for code, text in (scores or {}).items()}
    scored = [code for code in candidates if code in values]
    if not scored:
        return list(candidates)
    best = (min if ranked == "lowest" else max)(values[code] for code in scored)
    return [code for code in scored if values[code] == best]


def draw(seed_hex: str, pool_codes: Sequence[str]) -> str:
    """Step 6: the first index of the stream of ``seed_hex`` over ``pool_codes``."""
    return DrawStream(seed_hex).choose(pool_codes)


# --- verification --------------------------------------------------------------------------


@attrs.frozen
class Difference:
    """One thing a record says that its recomputation does not."""

    field: str
    """The field of the record (``candidates_sha256``, ``seed``, ``result`` …)."""
    recorded: str | None
    computed: str | None
    text: str
    """What differs, in Chinese, for whoever checks the draw."""


@attrs.frozen
class VerifyResult:
    """What :func:`verify` found: ``ok`` when the record's draw recomputes exactly."""

    selection_id: str
    drawn: bool
    """Whether the record is of a draw (False: a direct choice, nothing to re-draw)."""
    differences: tuple[Difference, ...] = ()
    computed_result: str | None = None
    """The agency the recomputed draw gives (None when it cannot be recomputed)."""

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self) -> list[str]:
        """The verdict in Chinese, one line each."""
        if self.ok:
            if not self.drawn:
                return [f"{self.selection_id}：直接选取，无摇号可重算；候选名单摘要与结果一致"]
            return [f"{self.selection_id}：重算一致，选中 {self.computed_result}"]
        return [f"{self.selection_id}：重算不一致"] + [
            f"  {d.field}：{d.text}（记录 {d.recorded}，重算 {d.computed}）"
            for d in self.differences
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "selection": self.selection_id,
            "ok": self.ok,
            "drawn": self.drawn,
            "computed_result": self.computed_result,
            "differences": [attrs.asdict(d) for d in self.differences],
        }


def verify(selection: Selection) -> VerifyResult:
    """Recompute the draw of ``selection`` from the record alone (steps 1 to 6).

    A direct choice (``algorithm`` ``direct``: a written ``reason``, and no commitment,
    seed or ranking) is checked for its candidates' digest and a result among them;
    ``drawn`` is False then. Any other record is a draw: a missing seed or commitment is
    a difference, and so is a built-in strategy ranked otherwise than it ranks
    (:data:`BUILT_IN_RANKINGS`) or scores naming an agency twice or a non-candidate."""
    found: list[Difference] = []

    def differ(field: str, recorded: object, computed: object, text: str) -> None:
        found.append(
            Difference(
                field,
                None if recorded is None else str(recorded),
                None if computed is None else str(computed),
                text,
            )
        )

    codes = list(selection.candidates)
    if codes != sorted(set(codes)):
        differ("candidates", None, None, "候选名单未按代码排序或有重复")
    digest = candidates_digest(codes)
    if digest != selection.candidates_sha256:
        differ("candidates_sha256", selection.candidates_sha256, digest, "候选名单摘要不符")
    if selection.result not in codes:
        differ("result", selection.result, None, "选中的机构不在候选名单中")
    drawn = selection.algorithm != DIRECT
    if not drawn:  # a direct choice: a written reason, and no draw at all
        if selection.reason is None:
            differ("reason", None, None, "直接选取须写明理由")
        for field in ("seed", "commitment", "ranked"):
            if getattr(selection, field) is not None:
                differ(field, getattr(selection, field), None, "直接选取不摇号，不应有此项")
        if selection.strategy in BUILT_IN_RANKINGS:
            differ("algorithm", DIRECT, ALGORITHM, f"选取方式 {selection.strategy} 须摇号")
        return VerifyResult(selection.id, False, tuple(found))
    ranked_by = BUILT_IN_RANKINGS.get(selection.strategy, selection.ranked)
    if selection.strategy == DIRECT:
        differ("algorithm", selection.algorithm, DIRECT, "直接选取的记录不应是摇号")
    elif ranked_by != selection.ranked:
        differ(
            "ranked", selection.ranked, ranked_by, f"选取方式 {selection.strategy} 不是这样排序的"
        )
    scored = [code for code, _text in selection.scores]
    if len(set(scored)) != len(scored) or not set(scored) <= set(codes):
        differ("scores", None, None, "排序依据有重复的机构，或有不在候选名单中的机构")
    if selection.algorithm != ALGORITHM or selection.algorithm_version != VERSION:
        differ(
            "algorithm",
            f"{selection.algorithm} v{selection.algorithm_version}",
            f"{ALGORITHM} v{VERSION}",
            "算法名称或版本不是本程序能重算的",
        )
        return VerifyResult(selection.id, True, tuple(found))
    if (
        selection.committed_at is not None
        and selection.commitment is not None
        and selection.committed_at > selection.at
    ):
        differ(
            "committed_at",
            selection.committed_at.isoformat(),
            f"not after {selection.at.isoformat()}",
            "承诺值未在摇号之前公布",
        )
    committed = commitment(selection.need_id, selection.witnesses)
    if committed != selection.commitment:
        differ("commitment", selection.commitment, committed, "承诺值与见证人贡献、需求编号不符")
    if not _HEX64.fullmatch(committed) or not _HEX64.fullmatch(digest):  # pragma: no cover
        raise AssertionError("SHA-256 gave no 64 hex digits")
    computed_seed = seed(committed, digest)
    if computed_seed != selection.seed:
        differ("seed", selection.seed, computed_seed, "种子与承诺值、候选名单摘要不符")
    try:
        chosen_from = pool(codes, dict(selection.scores), selection.ranked)
    except ValueError as error:
        differ("scores", None, None, f"排序依据无法读取：{error}")
        return VerifyResult(selection.id, True, tuple(found))
    if not chosen_from:
        differ("candidates", None, None, "候选名单为空，无从摇号")
        return VerifyResult(selection.id, True, tuple(found))
    result = draw(computed_seed, chosen_from)
    if result != selection.result:
        differ("result", selection.result, result, "摇号结果不符")
    return VerifyResult(selection.id, True, tuple(found), result)
