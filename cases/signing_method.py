"""How a person signed their field of a co-signed instrument: the fact the signing record prints
(issue 12, "A signing record"; PROCEDURE.md §4: both sides co-sign the agreement, 第四章第四节第1条).

Recorded with the signature itself (the `sign_document` event of the act that signed), so that the
record can say truthfully which factors the signer presented: on the command line the signing
passphrase alone; in the browser the passphrase and a one-time code mailed to the signer's account.
"""
from __future__ import annotations

from cases.vocabulary import Labelled, _labels


class SigningMethod(Labelled):
    """The factors a signer presented to sign (each unlocks or authorises the act)."""

    PASSPHRASE = "passphrase"
    PASSPHRASE_AND_EMAIL_CODE = "passphrase + email code"


_labels(SigningMethod, {
    "passphrase": ("签署口令", "Passphrase"),
    "passphrase + email code": ("签署口令＋邮件验证码", "Passphrase + email code"),
})
