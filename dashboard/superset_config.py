"""Superset configuration for the receivables dashboard (read by Superset via SUPERSET_CONFIG_PATH).

Everything that differs per machine or is secret comes from the environment, set by
`dashboard/superset_ctl.py` (make dashboard): the state folder, the secret key (generated at
first start into the state folder, never committed), the port.
"""

import os
from pathlib import Path


STATE_DIR = Path(os.environ["ARW_SUPERSET_STATE_DIR"])

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = f"sqlite:///{STATE_DIR / 'superset.db'}?check_same_thread=false"
DATA_DIR = str(STATE_DIR)

# One process, no Redis: in-memory caches and rate limits.
_CACHE = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
CACHE_CONFIG = {**_CACHE, "CACHE_KEY_PREFIX": "arw_"}
DATA_CACHE_CONFIG = {**_CACHE, "CACHE_KEY_PREFIX": "arw_data_"}
FILTER_STATE_CACHE_CONFIG = {**_CACHE, "CACHE_KEY_PREFIX": "arw_filter_"}
EXPLORE_FORM_DATA_CACHE_CONFIG = {**_CACHE, "CACHE_KEY_PREFIX": "arw_explore_"}
RATELIMIT_STORAGE_URI = "memory://"

FEATURE_FLAGS = {
    # Render every chart of the (long, single-page) dashboard, not only those in view.
    "DASHBOARD_VIRTUALIZATION": False,
}

# French number and date formats: 1 234 567 € ; 30/10/2026.
D3_FORMAT = {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]}
D3_TIME_FORMAT = {
    "dateTime": "%A %e %B %Y à %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"],
    "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                    "sept.", "oct.", "nov.", "déc."],
}
CURRENCIES = ["EUR"]

# The UI in French or English (the flag menu top right); chart titles are French.
BABEL_DEFAULT_LOCALE = "fr"
LANGUAGES = {"fr": {"flag": "fr", "name": "Français"}, "en": {"flag": "us", "name": "English"}}

# Local, loopback-only instance: no HTTPS, so no HSTS / secure cookies.
TALISMAN_ENABLED = False
SESSION_COOKIE_SECURE = False
SHOW_STACKTRACE = False
ROW_LIMIT = 50000
SQLLAB_CTAS_NO_LIMIT = False



def _french_pack_without_fuzzy_entries() -> bytes:
    """Superset's French pack for the web UI, without the entries its translators flagged fuzzy.

    The shipped pack includes them (the server's compiled catalogue does not) and some are plainly
    wrong: a table's "Summary" row reads "Dimanche". Without them those strings show in English.
    """
    import json

    import superset
    from babel.messages.pofile import read_po

    folder = Path(superset.__file__).parent / "translations" / "fr" / "LC_MESSAGES"
    pack = json.loads((folder / "messages.json").read_text(encoding="utf-8"))
    with (folder / "messages.po").open("rb") as po:
        fuzzy = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.fuzzy and m.id}
    messages = pack["locale_data"]["superset"]
    for msgid in fuzzy:
        messages.pop(msgid, None)
    return json.dumps(pack, ensure_ascii=False).encode("utf-8")


def FLASK_APP_MUTATOR(app):  # noqa: N802  (Superset's hook, called before the views exist)
    from flask import request
    from flask_login import current_user

    cache: dict[str, bytes] = {}

    @app.before_request
    def french_language_pack():
        if request.path.rstrip("/") != "/superset/language_pack/fr" or not current_user.is_authenticated:
            return None  # everything else, and the access check, as Superset does it
        if "fr" not in cache:
            try:
                cache["fr"] = _french_pack_without_fuzzy_entries()
            except Exception:  # noqa: BLE001  (another layout: serve the shipped pack)
                return None
        return app.response_class(cache["fr"], mimetype="application/json")
