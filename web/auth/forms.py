"""The login forms (Flask-WTF: each carries the `csrf_token` field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class TotpForm(FlaskForm):
    code = StringField(_l("Six-digit code"), validators=[
        DataRequired(), Regexp(r"^\s*\d{3}\s*\d{3}\s*$", message=_l("Enter the six digits the app shows."))])


class WelcomeForm(FlaskForm):
    """An invited person's first password (casedocs.services.invitations)."""

    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=12, max=1024, message=_l("A password needs at least 12 characters."))])
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
