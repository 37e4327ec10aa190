"""The three forms of FUNDLEDGER_SMTP_URL, read into where and how mail is sent."""

from __future__ import annotations

import pytest

from fundledger.mail import MailSettings, mail_settings

FROM = "fund@example.org"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.internal", MailSettings("relay.internal", 25, "plain", FROM)),
        ("smtp://relay.internal:2525", MailSettings("relay.internal", 2525, "plain", FROM)),
        ("smtp+starttls://fund:p%40ss@mail.example.org:587",
         MailSettings("mail.example.org", 587, "starttls", FROM, "fund", "p@ss")),
        ("smtps://fund:pass@mail.example.org",
         MailSettings("mail.example.org", 465, "tls", FROM, "fund", "pass")),
    ],
)  # fmt: skip
def test_each_form_of_address(url: str, expected: MailSettings) -> None:
    assert mail_settings({"SMTP_URL": url, "MAIL_FROM": FROM}) == expected


def test_no_address_means_no_mail() -> None:
    assert mail_settings({"MAIL_FROM": FROM}) is None


def test_the_password_stays_out_of_the_settings_repr() -> None:
    url = "smtps://fund:hunter2@mail.example.org"
    settings = mail_settings({"SMTP_URL": url, "MAIL_FROM": FROM})
    assert "hunter2" not in repr(settings)
