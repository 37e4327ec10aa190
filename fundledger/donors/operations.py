"""Writers for donors and exchange rates. Every change is audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.donors.errors import ContributionError, MissingRate, UnknownDonor
from fundledger.donors.models import NAME_LANGUAGES, Donor, DonorType, ExchangeRate
from fundledger.donors.queries import donor_by_code
from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.inputs import upper_code
from fundledger.money import BASE_CURRENCY, check_currency, decimal_places

LANGUAGES = ("en", "es", "fr", "pt")
MAX_RATE = Decimal(1_000_000)
_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


def _donor_fields(donor: Donor) -> dict[str, Any]:
    return {
        "code": donor.code,
        "name": donor.name,
        "type": donor.type,
        "country": donor.country,
        "language": donor.language,
        "contact": donor.contact,
        "active": donor.active,
        "anonymous": donor.anonymous,
        **{f"name_{language}": getattr(donor, f"name_{language}") for language in NAME_LANGUAGES},
    }


def _checked_country(country: str | None) -> str | None:
    if country is None or not country.strip():
        return None
    code = upper_code(country, "country")
    if len(code) != 2 or not code.isalpha() or code not in Locale("en").territories:
        raise ContributionError(
            N_("country '%(country)s' is not an ISO 3166 alpha-2 code"), country=country[:20]
        )
    return code


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ContributionError(
            N_("language '%(language)s' must be one of %(languages)s"),
            language=language[:20], languages=", ".join(LANGUAGES),
        )
    return language


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not 0 < len(name) <= 200:
        raise ContributionError(N_("a donor's name has 1 to 200 characters"))
    return name


def _set_names(donor: Donor, names: Mapping[str, str | None]) -> None:
    """Set the donor's name in each language given; a blank one removes it."""
    for language, named in names.items():
        if language not in NAME_LANGUAGES:
            raise ContributionError(
                N_("a donor's name may be given in %(languages)s, not “%(language)s”"),
                languages=", ".join(NAME_LANGUAGES), language=language[:20],
            )
        setattr(donor, f"name_{language}", _checked_name(named) if named and named.strip()
                else None)  # fmt: skip


def create_donor(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    type: str,
    country: str | None = None,
    language: str = "en",
    contact: str | None = None,
    anonymous: bool = False,
    names: Mapping[str, str | None] | None = None,
) -> Donor:
    code = upper_code(code, "donor code")
    if not _CODE.fullmatch(code):
        raise ContributionError(
            N_("donor code '%(code)s' must be 1–20 letters, digits or dashes (like MEX or ES-OBS)"),
            code=code[:30],
        )
    if type not in set(DonorType):
        raise ContributionError(
            N_("donor type '%(type)s' must be one of %(types)s"),
            type=type[:30], types=", ".join(t.value for t in DonorType),
        )
    if session.scalar(select(Donor.id).filter_by(code=code)) is not None:
        raise ContributionError(N_("there is already a donor %(code)s"), code=code)
    donor = Donor(
        code=code,
        name=_checked_name(name),
        type=type,
        country=_checked_country(country),
        language=_checked_language(language),
        contact=(contact or "").strip()[:500] or None,
        active=True,
        anonymous=anonymous,
    )
    _set_names(donor, names or {})
    session.add(donor)
    session.flush()
    record(session, actor, "donor.created", "donor", donor.code, after=_donor_fields(donor))
    return donor


def update_donor(
    session: Session,
    actor: Actor,
    donor: Donor,
    *,
    name: str,
    country: str | None,
    language: str,
    contact: str | None,
    anonymous: bool | None = None,
    names: Mapping[str, str | None] | None = None,
) -> Donor:
    """Change a donor's descriptive fields (code and type identify it and stay).
    ``anonymous`` and ``names`` (its name by language, blank to remove one) change only
    when given."""
    before = _donor_fields(donor)
    donor.name = _checked_name(name)
    donor.country = _checked_country(country)
    donor.language = _checked_language(language)
    donor.contact = (contact or "").strip()[:500] or None
    if anonymous is not None:
        donor.anonymous = anonymous
    _set_names(donor, names or {})
    session.flush()
    record(
        session,
        actor,
        "donor.updated",
        "donor",
        donor.code,
        before=before,
        after=_donor_fields(donor),
    )
    return donor


def set_donor_active(session: Session, actor: Actor, donor: Donor, active: bool) -> Donor:
    """Deactivate (no new pledges or receipts) or reactivate a donor; history stays."""
    if donor.active != active:
        before = _donor_fields(donor)
        donor.active = active
        session.flush()
        action = "donor.reactivated" if active else "donor.deactivated"
        record(
            session, actor, action, "donor", donor.code, before=before, after=_donor_fields(donor)
        )
    return donor


def known_donor(session: Session, code: str) -> Donor:
    """The donor with this code; an operation refuses an unknown one (UnknownDonor)."""
    donor = donor_by_code(session, code)
    if donor is None:
        raise UnknownDonor(N_("unknown donor '%(code)s'"), code=code[:30])
    return donor


def active_donor(session: Session, code: str) -> Donor:
    donor = known_donor(session, code)
    if not donor.active:
        raise ContributionError(inactive_donor(donor.code))
    return donor


def inactive_donor(code: str) -> Message:
    """Why an inactive donor's money is refused (a pledge, a receipt)."""
    return Message(N_("donor %(code)s is inactive; reactivate it first"), {"code": code})


def checked_rate(rate: Decimal) -> Decimal:
    if not rate.is_finite() or not 0 < rate < MAX_RATE or decimal_places(rate.normalize()) > 10:
        raise ContributionError(
            N_("rate %(rate)s must be positive, below %(limit)s and have at most 10 decimal "
               "places"),
            rate=rate, limit=MAX_RATE,
        )
    return rate


def set_rate(
    session: Session, actor: Actor, *, currency: str, on: dt.date, rate: Decimal
) -> ExchangeRate:
    """Record (or correct) the rate of ``currency`` on a day, in USD per unit."""
    currency = check_currency(currency)
    if currency == BASE_CURRENCY:
        raise ContributionError(N_("USD is the base currency; its rate is always 1"))
    rate = checked_rate(rate)
    existing = session.scalar(select(ExchangeRate).filter_by(currency=currency, rate_date=on))
    before = None if existing is None else {"rate": existing.rate}
    if existing is None:
        existing = ExchangeRate(currency=currency, rate_date=on)
        session.add(existing)
    existing.rate = rate
    existing.entered_by = actor.name
    existing.entered_at = dt.datetime.now(dt.UTC)
    session.flush()
    record(
        session, actor, "rate.set", "rate", f"{currency}:{on.isoformat()}",
        before=before, after={"rate": rate},
    )  # fmt: skip
    return existing


def resolve_rate(
    session: Session, currency: str, on: dt.date, given: Decimal | None = None
) -> Decimal:
    """The rate to use: 1 for USD, the one given with the transaction, or the table's."""
    if currency == BASE_CURRENCY:
        if given is not None and given != 1:
            raise ContributionError(N_("a USD amount takes no rate (or rate 1)"))
        return Decimal(1)
    if given is not None:
        return checked_rate(given)
    stored = session.scalar(select(ExchangeRate.rate).filter_by(currency=currency, rate_date=on))
    if stored is None:
        raise MissingRate(
            N_("no %(currency)s rate for %(date)s: give the rate, or set it first"),
            currency=currency, date=on,
            hint=f"fundledger rate set --currency {currency} --date {on.isoformat()}",
        )
    return stored
