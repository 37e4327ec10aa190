"""Bank and CSV import of contributions: all rows or none, and never the same row twice.

Columns (a header row is required; only the first five must be present):

    type, donor, date, amount, currency, rate, charges, earmark, pledge, reference, due,
    overpayment

``type`` is ``pledge``, ``receipt`` or ``unpledged``; ``pledge`` lists the pledge ids a
receipt settles, separated by spaces (empty: oldest first); ``overpayment`` is yes/no.
Amounts are plain decimals; rates are USD per unit (empty: the rate table's). The file
is UTF-8. Each row's idempotency key is a hash of its content, so importing a file again
posts nothing new, and a row repeated inside one file is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.donors.errors import ContributionError
from fundledger.donors.models import Donor, Pledge
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.errors import FundledgerError
from fundledger.inputs import parse_date, parse_id, text_problem, upper_code
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import lock_ledger
from fundledger.money import check_currency, parse_decimal

COLUMNS = (
    "type", "donor", "date", "amount", "currency", "rate", "charges", "earmark", "pledge",
    "reference", "due", "overpayment",
)  # fmt: skip
REQUIRED = COLUMNS[:5]
KINDS = ("pledge", "receipt", "unpledged")
_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False,
        "false": False, "0": False, "": False}  # fmt: skip
MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    kind: str
    donor: str
    on: dt.date
    amount: Decimal
    currency: str
    rate: Decimal | None
    charges: Decimal
    earmark: str | None
    pledges: tuple[int, ...]
    reference: str | None
    due: dt.date | None
    overpayment: bool

    @property
    def key(self) -> str:
        """Idempotency key: the same row always gets the same key."""
        content = "|".join(
            str(part)
            for part in (self.kind, self.donor, self.on, self.amount.normalize(), self.currency,
                         self.rate and self.rate.normalize(), self.charges.normalize(),
                         self.earmark, self.pledges, self.reference, self.due, self.overpayment)
        )  # fmt: skip
        return "import:" + hashlib.sha256(content.encode()).hexdigest()[:40]


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    posted: int = 0
    already_posted: int = 0
    #: (line number in the file, what is wrong), in file order.
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return f"nothing imported: {len(self.problems)} problem(s) in {self.rows} rows"
        return (
            f"{self.rows} rows: {self.posted} posted, {self.already_posted} already posted before"
        )


class ImportRejected(ContributionError):
    """The file has problems; nothing was posted. ``report`` names each one."""

    def __init__(self, report: ImportReport) -> None:
        lines = "; ".join(f"line {line}: {problem}" for line, problem in report.problems[:5])
        more = len(report.problems) - 5
        super().__init__(report.summary() + f" ({lines}" + (f"; {more} more" if more > 0 else "")
                         + ")")  # fmt: skip
        self.report = report


def read_rows(data: bytes) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """Parse and check the form of every row; returns rows and problems."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [(0, f"the file is not UTF-8 (byte {data[error.start]:#04x} at offset "
                        f"{error.start}); save it as UTF-8 CSV")]  # fmt: skip
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        return [], [(reader.reader.line_num, _not_csv(error))]
    header = [name.strip().lower() for name in fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if not header or missing or unknown or len(set(header)) != len(header):
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if unknown:
            detail.append("unknown " + ", ".join(unknown[:5]))
        if len(set(header)) != len(header):
            detail.append("a column appears twice")
        return [], [(1, "wrong columns (" + "; ".join(detail or ["no header"]) +
                     f"); expected {', '.join(COLUMNS)}")]  # fmt: skip
    reader.fieldnames = header
    rows: list[ImportRow] = []
    problems: list[tuple[int, str]] = []
    first_line_of: dict[str, int] = {}
    try:
        for raw in reader:
            line = reader.line_num
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append((line, f"the file has more than {MAX_ROWS} rows; split it"))
                break
            if None in raw:
                problems.append((line, "more fields than columns"))
                continue
            try:
                row = _row(line, {name: (value or "").strip() for name, value in raw.items()})
            except (FundledgerError, ValueError) as error:
                problems.append((line, str(error)))
                continue
            if row.key in first_line_of:
                problems.append((line, f"repeats line {first_line_of[row.key]}"))
                continue
            first_line_of[row.key] = line
            rows.append(row)
    except csv.Error as error:  # the csv module gives up on the rest of the file
        problems.append((reader.reader.line_num, _not_csv(error)))  # the line it was on
    if not rows and not problems:
        problems.append((1, "the file has no rows"))
    return rows, problems


def _not_csv(error: csv.Error) -> str:
    return f"not readable as CSV ({error}); nothing after it was read"


def _optional_decimal(text: str, what: str) -> Decimal | None:
    return parse_decimal(text, what=what) if text else None


def _row(line: int, raw: dict[str, str]) -> ImportRow:
    for name, value in raw.items():
        if problem := text_problem(value):
            raise ContributionError(f"{name} {value[:20]!r} {problem}")
    kind = raw["type"].lower()
    if kind not in KINDS:
        raise ContributionError(f"type {raw['type'][:20]!r} must be one of {', '.join(KINDS)}")
    if not raw["donor"]:
        raise ContributionError("donor is empty")
    overpayment = _YES.get(raw.get("overpayment", "").lower())
    if overpayment is None:
        raise ContributionError(f"overpayment {raw['overpayment'][:10]!r} must be yes or no")
    pledge_text = raw.get("pledge", "").replace(";", " ").replace(",", " ").split()
    return ImportRow(
        line=line,
        kind=kind,
        donor=upper_code(raw["donor"], "donor"),
        on=parse_date(raw["date"]),
        amount=parse_decimal(raw["amount"]),
        currency=check_currency(raw["currency"]),
        rate=_optional_decimal(raw.get("rate", ""), "rate"),
        charges=parse_decimal(raw["charges"], what="charges") if raw.get("charges") else Decimal(0),
        earmark=raw.get("earmark") or None,
        pledges=tuple(parse_id(part, "pledge") for part in pledge_text),
        reference=raw.get("reference") or None,
        due=parse_date(raw["due"], "due") if raw.get("due") else None,
        overpayment=overpayment,
    )


def import_contributions(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Post every row of the file, or nothing: raises :class:`ImportRejected` naming each
    bad row, and leaves the session as it found it."""
    rows, problems = read_rows(data)
    report = ImportReport(rows=len(rows) + len(problems), problems=problems)
    if problems:
        raise ImportRejected(report)
    lock_ledger(session)  # concurrent imports of overlapping files take turns
    donors = {d.code: d for d in session.scalars(select(Donor))}
    with session.begin_nested() as whole_file:
        for row in rows:
            if session.scalar(select(JournalEntry.id).filter_by(idempotency_key=row.key)):
                report.already_posted += 1
            else:
                try:
                    with session.begin_nested():
                        _post(session, actor, donors, row)
                    report.posted += 1
                except FundledgerError as error:
                    report.problems.append((row.line, str(error)))
            if progress is not None:
                progress(1)
        if report.problems:
            whole_file.rollback()
    if report.problems:
        raise ImportRejected(report)
    return report


def _post(session: Session, actor: Actor, donors: dict[str, Donor], row: ImportRow) -> None:
    donor = donors.get(row.donor)
    if donor is None:
        raise ContributionError(f"unknown donor {row.donor[:20]!r}")
    if row.kind == "pledge":
        if row.pledges or row.charges or row.overpayment:
            raise ContributionError("a pledge row has no pledge, charges or overpayment")
        record_pledge(
            session, actor, donor, pledge_date=row.on, amount=row.amount, currency=row.currency,
            rate=row.rate, earmark=row.earmark, due_date=row.due, reference=row.reference,
            idempotency_key=row.key,
        )  # fmt: skip
        return
    pledges = []
    for pledge_id in row.pledges:
        pledge = session.get(Pledge, pledge_id)
        if pledge is None:
            raise ContributionError(f"there is no pledge {pledge_id}")
        pledges.append(pledge)
    record_receipt(
        session, actor, donor, value_date=row.on, amount=row.amount, currency=row.currency,
        rate=row.rate, charges=row.charges, pledges=pledges, unpledged=row.kind == "unpledged",
        earmark=row.earmark, overpayment=row.overpayment, reference=row.reference,
        idempotency_key=row.key,
    )  # fmt: skip
