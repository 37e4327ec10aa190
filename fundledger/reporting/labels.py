"""Labels the statements share, translated: the fund, donor types, earmarks, pools,
accounts and decisions. Program titles (activities, objectives, organs) are data in
English, the only language the Program is loaded in; statements say so in a note."""

from __future__ import annotations

import datetime as dt

from fundledger.program.earmarks import InvalidEarmark, parse_earmark
from fundledger.program.translated import TRANSLATED
from fundledger.reporting.figures import AccountInfo
from fundledger.reporting.i18n import N_, Language

RESOLUTION = "AG/RES. 2141 (XXXV-O/05)"

FUND_NAME = N_(
    "Fund for the Inter-American Program for the Promotion and Protection of the Human "
    "Rights of Migrants, including Migrant Workers and Their Families"
)
FUND_SHORT = N_("OAS Fund for the Human Rights of Migrants")

DONOR_TYPES = {
    "member_state": N_("Member state"),
    "permanent_observer": N_("Permanent observer"),
    "regional_org": N_("Regional organization"),
    "international_org": N_("International organization"),
    "civil_society": N_("Civil society organization"),
    "other": N_("Other contributor"),
}

DECISIONS = {
    "approve": N_("Approved"),
    "reject": N_("Rejected"),
    "return": N_("Returned for revision"),
}
#: The OECD DAC gender-equality policy marker of an allocation.
GENDER_MARKERS = {
    0: N_("0 — not targeted"),
    1: N_("1 — significant objective"),
    2: N_("2 — principal objective"),
}
WORK_PLAN_STATUS = {
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "superseded": N_("Approved, later revised"),
    "proposed": N_("Proposed"),
}

#: The UN harmonised expenditure categories (allocations.categories); "" is expenditure
#: no report filed under one.
CATEGORIES = {
    "staff_personnel": N_("Staff and other personnel costs"),
    "supplies_materials": N_("Supplies, commodities and materials"),
    "equipment": N_("Equipment, vehicles and furniture"),
    "contractual_services": N_("Contractual services"),
    "travel": N_("Travel"),
    "transfers_grants": N_("Transfers and grants to counterparts"),
    "general_operating": N_("General operating and other direct costs"),
    "indirect_support": N_("Indirect support costs"),
    "": N_("Not categorised"),
}

#: The standard chart's account names, so that the catalogs carry them.
ACCOUNT_NAMES = (
    N_("Bank"),
    N_("Contributions receivable"),
    N_("Advances to implementing organs"),
    N_("Unapplied donor credits"),
    N_("Refunds payable to donors"),
    N_("Net assets — unrestricted"),
    N_("Net assets — restricted"),
    N_("Contributions — unrestricted"),
    N_("Releases from restriction — unrestricted class"),
    N_("Contributions — restricted"),
    N_("Interest income — restricted class"),
    N_("Foreign exchange gains — restricted class"),
    N_("Foreign exchange losses — restricted class"),
    N_("Releases from restriction — restricted class"),
    N_("Interest income"),
    N_("Foreign exchange gains"),
    N_("Program expenditure"),
    N_("Indirect cost recovery"),
    N_("Bank charges"),
    N_("Foreign exchange losses"),
)


def fund_name(language: Language) -> str:
    return language.gettext(FUND_NAME)


def fund_short(language: Language) -> str:
    return language.gettext(FUND_SHORT)


def mandate(language: Language) -> str:
    return language.gettext(
        "Established by resolution %(resolution)s of the General Assembly of the Organization "
        "of American States. Administered by the Summits of the Americas Secretariat under the "
        "supervision of the Committee on Juridical and Political Affairs (CAJP).",
        resolution=RESOLUTION,
    )


def titles_note(language: Language) -> str:
    """Where the Program titles a statement prints come from: the resolution's English
    text, or a working translation of it whose official texts prevail."""
    if language.code in TRANSLATED:
        return language.gettext(
            "Titles of Program activities, objectives and organs are working translations of "
            "those of resolution %(resolution)s; the official texts of the resolution prevail.",
            resolution=RESOLUTION,
        )
    return language.gettext(
        "Titles of Program activities, objectives and organs are those of resolution "
        "%(resolution)s and are shown in English, the language in which the Program data is "
        "kept.",
        resolution=RESOLUTION,
    )


#: The status on every page (short) and in the particulars (what it means).
STATUS_BANNERS = {
    "interim": N_("INTERIM: issued before the period ended; figures may change"),
    "unaudited": N_("UNAUDITED: the year is not closed; figures may change"),
    "final": N_("FINAL: year closed"),
}
STATUS_TEXTS = {
    "interim": N_("Interim: issued before the period ended, so its figures may still change"),
    "unaudited": N_("Unaudited: the period has ended but its fiscal year is not closed, so "
                    "its figures may still change"),
    "final": N_("Final: every fiscal year of the period is closed"),
}
#: The issuing officer's role, by the role the register keeps.
OFFICER_ROLES = {
    "secretariat": N_("Summits of the Americas Secretariat"),
    "admin": N_("System administrator of the Fund's ledger"),
    "cajp": N_("Committee on Juridical and Political Affairs (CAJP)"),
    "auditor": N_("Auditor"),
    "donor": N_("Donor representative (statement requested online)"),
    "operator": N_("Operator of the Fund's ledger"),
}


def status_banner(language: Language, status: str) -> str:
    return language.gettext(STATUS_BANNERS[status])


def status_text(language: Language, status: str) -> str:
    return language.gettext(STATUS_TEXTS[status])


def officer_role(language: Language, role: str) -> str:
    return language.gettext(OFFICER_ROLES[role]) if role in OFFICER_ROLES else role


def donor_type(language: Language, kind: str | None) -> str:
    if kind is None:
        return language.gettext("Not attributed to a donor")
    return language.gettext(DONOR_TYPES.get(kind, DONOR_TYPES["other"]))


def earmark(language: Language, text: str | None) -> str:
    """``activity:5`` → ``Activity 5``; None → ``Unrestricted``."""
    if text is None:
        return language.gettext("Unrestricted")
    try:
        parsed = parse_earmark(text)
    except InvalidEarmark:
        return text
    if parsed.kind == "activity":
        return language.gettext("Activity %(number)s", number=parsed.target)
    if parsed.kind == "objective":
        return language.gettext("Objective %(number)s", number=parsed.target)
    return language.gettext("Organ %(code)s", code=parsed.target)


def pool(language: Language, key: str) -> str:
    """``unrestricted`` or ``MEX/activity:5`` → ``MEX — Activity 5``."""
    if key == "unrestricted":
        return language.gettext("Unrestricted")
    donor, _, mark = key.partition("/")
    return f"{donor} — {earmark(language, mark)}"


def account(language: Language, info: AccountInfo) -> str:
    """The account's name from the chart, translated when it is one of the standard ones."""
    return language.gettext(info.name)


def decision(language: Language, action: str) -> str:
    return language.gettext(DECISIONS[action]) if action in DECISIONS else action


def category(language: Language, code: str) -> str:
    return language.gettext(CATEGORIES[code]) if code in CATEGORIES else code


def gender_marker(language: Language, marker: int | None) -> str:
    """The marker with what it means; None: proposed before the marker was asked."""
    if marker is None:
        return language.gettext("Not screened")
    return language.gettext(GENDER_MARKERS[marker])


def gender_code(marker: int | None) -> str:
    """The marker in a narrow column: its number, or a dash when not screened."""
    return "—" if marker is None else str(marker)


def gender_note(language: Language) -> str:
    return language.gettext(
        "Gender: the OECD DAC gender-equality policy marker of the allocation: 0 not "
        "targeted, 1 a significant objective, 2 the principal objective; — not screened "
        "(proposed before the Fund asked for the marker)."
    )


def work_plan_status(language: Language, status: str) -> str:
    return language.gettext(WORK_PLAN_STATUS[status]) if status in WORK_PLAN_STATUS else status


def period(language: Language, start: dt.date, end: dt.date) -> str:
    return f"{language.date(start, 'long')} – {language.date(end, 'long')}"
