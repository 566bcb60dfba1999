"""Who is writing: curator log-in (Flask-Login sessions), API tokens, CSRF and login limits.

``init_app`` installs the secret key (refusing to start outside debug mode without one), the
login manager and the ``/login`` and ``/logout`` pages; ``limit_logins`` puts the login rate
limit on the limiter of ``aigraph.web.security``. Views that
change data use ``curator_required`` (a logged-in session; forms also check their CSRF token
through Flask-WTF) or ``token_required`` (the API: ``Authorization: Bearer TOKEN`` only, so
a browser's cookies can never drive it and no CSRF token is needed).
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from aigraph.accounts import Account, Accounts
from aigraph.errors import AigraphError
from aigraph.web import security
from aigraph.web.state import state

bp = Blueprint("auth", __name__)

#: Keys that are placeholders, not secrets.
WEAK_KEYS = {"", "dev", "development", "secret", "changeme", "change-me", "default", "test"}


class UnsafeSettings(AigraphError, RuntimeError):
    """Settings the site refuses to start with."""


class MissingSecretKey(UnsafeSettings):
    """The site would sign sessions with an empty or guessable key."""


class Curator(UserMixin):
    """The logged-in curator, as Flask-Login sees it."""

    def __init__(self, account: Account):
        self.name = account.name
        self.role = account.role

    def get_id(self) -> str:
        return self.name


class LoginForm(FlaskForm):
    """The login form (with its CSRF token)."""

    name = StringField(lazy_gettext("Name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(),
                                                                   Length(max=1024)])


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token: log out, revert."""


def accounts() -> Accounts:
    """The accounts file of the running application."""
    return Accounts(state().settings.accounts_file)


def _secret_key(app: Flask) -> str:
    key = app.config.get("SECRET_KEY") or app.extensions["aigraph"].settings.secret_key
    if key and key.strip().lower() not in WEAK_KEYS:
        return key
    if app.debug or app.testing:
        return secrets.token_hex(32)
    raise MissingSecretKey(
        "refusing to start: set the secret_key setting (AIGRAPH_SECRET_KEY) to a long random "
        "value, e.g. python -c 'import secrets; print(secrets.token_hex(32))'")


def _check_accounts_file(app: Flask) -> None:
    settings = app.extensions["aigraph"].settings
    accounts = Path(settings.accounts_file).resolve()
    for folder in (settings.data_dir, settings.history_dir, app.static_folder):
        if folder and Path(folder).resolve() in accounts.parents:
            raise UnsafeSettings(f"refusing to start: accounts_file ({accounts}) must not be "
                                 f"inside {folder}, which is loaded or served")


def init_app(app: Flask) -> None:
    """Install the secret key, sessions, the login limit and the login pages."""
    _check_accounts_file(app)
    app.config["SECRET_KEY"] = _secret_key(app)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.login_message = lazy_gettext("Log in as a curator to change the graph.")
    manager.user_loader(_load_user)
    manager.init_app(app)
    app.register_blueprint(bp)


def limit_logins(app: Flask) -> None:
    """Put ``login_rate_limit`` on POST /login, with the limiter of ``aigraph.web.security``
    (call after ``security.init_app``)."""
    limit = app.extensions["aigraph"].settings.login_rate_limit.strip()
    if limit:
        view = app.view_functions["auth.login"]
        app.view_functions["auth.login"] = security.limiter(app).limit(
            limit, methods=["POST"])(view)


def _load_user(name: str) -> Curator | None:
    account = accounts().get(name)
    return Curator(account) if account is not None else None


def _safe_next(target: str | None) -> str:
    """Only a path on this site may follow a login (no open redirect)."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form, or log a curator in."""
    form = LoginForm()
    error = ""
    if form.validate_on_submit():
        account = accounts().check_password(form.name.data, form.password.data)
        if account is not None:
            login_user(Curator(account))
            return redirect(_safe_next(request.args.get("next")))
        error = lazy_gettext("Wrong name or password.")
    status = 401 if request.method == "POST" else 200
    return render_template("curation/login.html", form=form, error=error), status


def curator_required(view):
    """Let only a logged-in curator through (others are sent to the login page)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)
    return wrapped


def token_required(view):
    """Let only a request with a valid bearer token through; the account is ``g.curator``."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        account = accounts().check_token(token) if scheme.lower() == "bearer" and token else None
        if account is None:
            response = jsonify({"error": "send Authorization: Bearer TOKEN "
                                         "(aigraph token create NAME)", "status": 401})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="aigraph"'
            return response
        g.curator = Curator(account)
        return view(*args, **kwargs)
    return wrapped


@bp.post("/logout")
@curator_required
def logout():
    """Log out (a POST with the CSRF token, so another site cannot do it for you)."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400, lazy_gettext("The form expired; reload the page and try again."))
    logout_user()
    return redirect(url_for("home.index"))
