"""Synthetic landing files for the receivables warehouse.

Simulates the accounts receivable of a French mid-size company (main entity
``FR01`` and a small subsidiary ``FR02``) and writes what its systems would
export into the landing folder described in ``CONTRACT.md``:

* ``ledger/ledger_YYYY-MM.csv``: the AR sub-ledger lines posted each month
  (invoices, credit notes, payments, adjustments, returned payments) with
  their lettering (lettrage) as it stands on the export date ``end``;
  the 5th month (and, over a year or more, the month at two thirds of the
  history) is re-delivered later with corrections
  (``ledger_YYYY-MM_redelivery.csv``, the first delivery carried two wrong
  invoice amounts, two wrong due dates and up to three missing payment
  references) and some months are split per company
  (``ledger_YYYY-MM.csv`` for FR01 without a ``company_code`` column, then
  ``ledger_YYYY-MM_FR02.csv``);
* ``dunning/dunning_YYYY-MM-DD.csv``: every Monday, the full picture of the
  dunning tool, consistent with the ledger as of that day;
* ``customers/customers.csv`` (rows for every company) and
  ``customers/customers_FR02.csv`` (company-specific overrides).

Everything is drawn from one seeded ``numpy.random.Generator`` and computed
with array operations (no Python loop per ledger line), then rendered to CSV
text with ``pyarrow.compute`` string kernels, so that a million ledger lines
are written in seconds.  Files rotate across three dialects (see
``DIALECTS``) unless one is forced.

Usage::

    python -m ar_warehouse.devtools.generator --out data/demo/landing
    python -m ar_warehouse.devtools.generator --out /tmp/big --lines 1000000 \\
        --start 2023-11-01 --end 2026-10-31
"""

from __future__ import annotations

import argparse
import itertools
import string
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["GenerationStats", "generate_landing", "main", "DIALECTS"]


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


@dataclass
class GenerationStats:
    """Counts actually written by :func:`generate_landing`."""

    ledger_lines: int
    ledger_files: int
    dunning_rows: int
    dunning_files: int
    customers: int
    seconds: float


@dataclass(frozen=True)
class _Dialect:
    name: str
    encoding: str  # "utf-8" or "cp1252"
    bom: bool
    delimiter: str
    decimal: str
    date_format: int  # index into the date dictionaries: 0 ISO, 1 DD/MM/YYYY, 2 YYYYMMDD


#: The three file dialects of the landing contract.
DIALECTS: dict[str, _Dialect] = {
    # (a) what a modern export tool writes
    "comma": _Dialect("comma", "utf-8", False, ",", ".", 0),
    # (b) what a French Excel "CSV (séparateur: point-virgule)" writes
    "semicolon": _Dialect("semicolon", "cp1252", False, ";", ",", 1),
    # (c) what a legacy ERP extraction writes (FEC-like)
    "tab": _Dialect("tab", "utf-8", True, "\t", ",", 2),
}
_DIALECT_ORDER = ("comma", "semicolon", "tab")

# Lines per customer per month of the default behaviour mix, measured on
# the demo; only used to pick the customer count for ``target_lines``.
_LINES_PER_CUSTOMER_MONTH = 3.0


def generate_landing(
    out_dir: Path,
    *,
    seed: int = 20261123,
    customers: int = 300,
    start: date = date(2024, 11, 1),
    end: date = date(2026, 10, 31),
    target_lines: int | None = None,
    dialects: str = "mixed",
    companies: tuple[str, ...] = ("FR01", "FR02"),
) -> GenerationStats:
    """Generate a landing folder (``ledger/``, ``dunning/``, ``customers/``).

    The export is taken at ``end``: nothing is posted or lettered after it.
    With ``target_lines`` the number of customers is scaled so that the
    ledger holds about that many lines (within a few per cent).  Existing
    ``*.csv`` files of the three sub-folders are removed first.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    if dialects != "mixed" and dialects not in DIALECTS:
        raise ValueError(f"dialects must be 'mixed' or one of {sorted(DIALECTS)}")
    if end <= start + timedelta(days=27):
        raise ValueError("the window start..end must cover at least four weeks")
    if not companies:
        raise ValueError("at least one company is needed")
    if len(set(companies)) != len(companies):
        raise ValueError("company codes must be distinct")

    n_customers = int(customers)
    rate_factor = 1.0
    if target_lines is not None:
        if target_lines <= 0:
            raise ValueError("target_lines must be positive")
        months = (end - start).days / 30.44
        # a bigger ledger is a bigger company: more customers, and bigger
        # ones (1 M lines over 3 years: about 2,500 customers)
        rate_factor = float(np.clip((target_lines / 25_000) ** 0.35, 1.0, 4.0))
        per_customer = _LINES_PER_CUSTOMER_MONTH * months * rate_factor
        n_customers = max(8, int(round(target_lines / per_customer)))
    if n_customers < 1:
        raise ValueError("customers must be >= 1")

    if target_lines is not None:
        # Same seed, same customers: only the invoice counts move, so one or
        # two corrections of the global invoicing rate land on the target
        # (counting lines only, the costly rest is simulated once).
        for _ in range(5):
            n_lines = _simulate(seed, n_customers, start, end, companies, rate_factor,
                                lines_only=True)
            ratio = target_lines / max(1, int(n_lines))
            if abs(ratio - 1.0) <= 0.02:
                break
            rate_factor *= ratio
    world = _simulate(seed, n_customers, start, end, companies, rate_factor)
    assert isinstance(world, _World)

    stats = _write_landing(out_dir, world, dialects, seed)
    stats.seconds = round(time.perf_counter() - t0, 3)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m ar_warehouse.devtools.generator --out DIR [...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m ar_warehouse.devtools.generator",
        description="Generate synthetic AR landing files (ledger, dunning, customers).",
    )
    parser.add_argument("--out", required=True, type=Path, help="landing folder to write")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--customers", type=int, default=300,
                        help="number of customers (ignored with --lines)")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2024, 11, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 10, 31),
                        help="export date: nothing is posted or lettered after it")
    parser.add_argument("--lines", type=int, default=None, dest="target_lines",
                        help="approximate number of ledger lines (scales the customers)")
    parser.add_argument("--dialects", choices=["mixed", *_DIALECT_ORDER], default="mixed")
    args = parser.parse_args(argv)
    stats = generate_landing(
        args.out,
        seed=args.seed,
        customers=args.customers,
        start=args.start,
        end=args.end,
        target_lines=args.target_lines,
        dialects=args.dialects,
    )
    print(
        f"ledger: {stats.ledger_lines} lines in {stats.ledger_files} files; "
        f"dunning: {stats.dunning_rows} rows in {stats.dunning_files} files; "
        f"customers: {stats.customers}; {stats.seconds:.2f} s -> {args.out}"
    )
    return 0


# --------------------------------------------------------------------------
# Reference data (every character exists in Windows-1252)
# --------------------------------------------------------------------------

SEGMENTS = ("Grands comptes", "PME", "Distribution", "Export", "Secteur public")
_SEG_P = np.array([0.12, 0.45, 0.20, 0.10, 0.13])
_GC, _PME, _DIST, _EXPORT, _PUBLIC = range(5)

# payer behaviours
_PUNCTUAL, _LATE, _CHRONIC, _DISPUTING, _NEVER = range(5)
# P(profile | segment): public bodies pay slowly, distribution disputes.
_PROFILE_P = np.array(
    [
        [0.44, 0.34, 0.09, 0.09, 0.04],  # Grands comptes
        [0.55, 0.26, 0.06, 0.07, 0.06],  # PME
        [0.47, 0.29, 0.06, 0.15, 0.03],  # Distribution
        [0.40, 0.35, 0.11, 0.07, 0.07],  # Export
        [0.35, 0.35, 0.25, 0.03, 0.02],  # Secteur public
    ]
)
# median invoice amount (EUR) and invoices per month by segment
_SEG_MEDIAN = np.array([6500.0, 1400.0, 2800.0, 4200.0, 3200.0])
_SEG_RATE = np.array([3.0, 1.05, 1.95, 1.15, 1.4])

_COLLECTORS = (
    "Camille Durand",
    "Sophie Lefèvre",
    "Julien Moreau",
    "Nathalie Girard",
    "Karim Benali",
    "Élodie Rousseau",
)

_LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Fontaine", "Chevalier", "Robin", "Masson", "Boyer", "Noël", "Lemaître",
    "Gaillard", "Brunet", "Barbier", "Arnaud", "Giraud", "Aubert", "Caron", "Rivière",
    "Renard", "Picard", "Leclerc", "Benoît", "Hébert", "Carré", "Lemoine", "Maréchal",
    "Jégou", "Le Gall", "Kerbrat", "Cœurdevey", "Bouvier", "Besnard", "Ménard", "Texier",
)
_ACTIVITIES = (
    "Boulangerie", "Pâtisserie", "Transports", "Garage", "Menuiserie", "Imprimerie",
    "Pharmacie", "Quincaillerie", "Laboratoires", "Cave", "Fromagerie", "Brasserie",
    "Hôtel", "Clinique", "Librairie", "Maçonnerie", "Électricité", "Plomberie",
    "Chaudronnerie", "Métallerie", "Distillerie", "Confiserie", "Charcuterie", "Scierie",
    "Tuilerie", "Verrerie", "Ébénisterie", "Cartonnerie", "Minoterie", "Serrurerie",
)
_SECTORS = (
    "Transports", "Matériaux", "Logistique", "Emballages", "Services", "Équipements",
    "Froid industriel", "Agroalimentaire", "Bâtiment", "Travaux publics", "Énergies",
    "Papeteries", "Mécanique", "Œnologie", "Négoce", "Chaussures", "Céramiques",
)
_PLACES = (
    "de l’Ouest", "du Rhône", "d’Aquitaine", "de Provence", "du Nord", "de Bretagne",
    "d’Alsace", "des Alpes", "de la Loire", "du Léman", "de Normandie", "de Champagne",
    "des Vosges", "du Périgord", "de Bourgogne", "d’Île-de-France", "de Lorraine", "du Béarn",
)
_LEGAL = ("SARL", "SAS", "SA", "EURL", "SASU", "SNC", "SAS", "SARL")
_CITIES = (
    "Saint-Étienne", "Besançon", "Orléans", "Nîmes", "Angoulême", "Périgueux", "Évreux",
    "Mâcon", "Compiègne", "Béziers", "Sète", "Lannion", "Valence", "Troyes", "Dijon",
    "Rouen", "Caen", "Brest", "Metz", "Pau", "Châlons-en-Champagne", "Chambéry", "Lorient",
)
_PUBLIC_FORMS = (
    "Mairie de {c}", "Centre hospitalier de {c}", "Communauté de communes de {c}",
    "Lycée professionnel de {c}", "Syndicat des eaux de {c}", "Office public de l’habitat de {c}",
)
_FOREIGN = {
    "BE": (("Van den Berghe", "Peeters", "Janssens", "Dubois", "Lemaire"), ("BV", "SRL", "NV")),
    "DE": (("Müller", "Schäfer", "Weiß", "Köhler", "Becker"), ("GmbH", "AG", "KG")),
    "ES": (("García", "Martínez", "López", "Sánchez", "Fernández"), ("S.L.", "S.A.")),
    "IT": (("Rossi", "Bianchi", "Esposito", "Colombo", "Ricci"), ("S.r.l.", "S.p.A.")),
    "CH": (("Favre", "Meier", "Schneider", "Rochat", "Gerber"), ("SA", "AG", "Sàrl")),
}
_COUNTRIES = ("FR", "BE", "DE", "ES", "IT", "CH")
_FOREIGN_CITIES = {
    "BE": ("Bruxelles", "Liège", "Gand", "Namur"),
    "DE": ("Stuttgart", "Köln", "Freiburg", "Saarbrücken"),
    "ES": ("Barcelona", "Madrid", "Valencia", "Bilbao"),
    "IT": ("Milano", "Torino", "Genova", "Bologna"),
    "CH": ("Genève", "Lausanne", "Zürich", "Neuchâtel"),
}
_DUPLICATE_SUFFIXES = ("Direction des achats", "Services techniques", "Site Nord", "Site Sud",
                       "Agence Est", "Agence Ouest")

# Raw document type codes.  The ERP was migrated halfway through the
# history: the old one wrote FA/AV/RG/OD, the new one FAC/AVO/REG/ADJ.
# Interfaces and manual entries add the other spellings.
_KIND_INVOICE, _KIND_CN, _KIND_PAYMENT, _KIND_OD, _KIND_RETURN = range(5)
_DOC_OLD = ("FA", "AV", "RG", "OD", "RG")
_DOC_NEW = ("FAC", "AVO", "REG", "ADJ", "REG")
_DOC_OTHER = (
    ("INV", "invoice", "fa", "Fac", "Inv"),
    ("CN", "credit_note", "av", "Avo"),
    ("PAY", "payment", "rg", "Reg"),
    ("OD", "ADJ", "od", "adjustment"),
    ("PAY", "payment", "Reg"),
)
_DOC_PREFIX = ("F", "AV", "RG", "OD", "RJ")

# Dunning tool codes: canonical words and the French labels it shows.
_STATUS = ("not_dunned", "dunning_in_progress", "arbitration_required", "payment_promised",
           "payment_received")
_ST_NOT, _ST_PROGRESS, _ST_ARBITRATION, _ST_PROMISED, _ST_RECEIVED = range(5)
_STATUS_FR = (
    ("non relancée", "Non relancée", " non relancée"),
    ("relance en cours", "Relance en cours", "RELANCE EN COURS", " relance en cours "),
    ("décision d'arbitrage", "Décision d'arbitrage", " décision d'arbitrage "),
    ("paiement promis", "Paiement promis", "PAIEMENT PROMIS", "paiement promis "),
    ("paiement reçu", "Paiement reçu", " paiement reçu"),
)
_CAUSES = ("", "dispute", "invoice_label_error", "invoice_not_received",
           "order_contract_mismatch", "awaiting_credit_note", "other")
_C_NONE, _C_DISPUTE, _C_LABEL, _C_NOT_RECEIVED, _C_MISMATCH, _C_AWAIT_CN, _C_OTHER = range(7)
_CAUSES_FR = (
    ("",),
    ("litige", "Litige", " LITIGE ", "LITIGE"),
    ("erreur de libellé", "Erreur de libellé"),
    ("facture non reçue", "Facture non reçue", " facture non reçue "),
    ("écart commande", "Écart commande"),
    ("attente avoir", "Attente avoir", "ATTENTE AVOIR"),
    ("autre", "Autre", "AUTRE "),
)
_ACTIONS = ("email", "letter", "phone", "sms")

_LEDGER_COLUMNS = (
    "company_code", "entry_id", "customer_code", "customer_name", "document_number",
    "document_type", "posting_date", "document_date", "due_date", "debit", "credit",
    "currency", "amount_currency", "lettering_code", "lettering_date", "reference",
)
_DUNNING_COLUMNS = (
    "extracted_at", "company_code", "customer_code", "document_number", "dunning_status",
    "dunning_level", "blocking_cause", "collector", "promised_date", "promised_amount",
    "last_action_date", "last_action_type",
)
_CUSTOMER_COLUMNS = (
    "customer_code", "company_code", "customer_name", "customer_group", "segment", "country",
    "collector", "credit_limit", "insured_limit", "payment_terms_days", "registration_id",
)
_CURRENCIES = ("EUR", "CHF", "USD")

_NODATE = np.int64(-(10**6))  # empty date
_NEVER = np.int64(10**7)  # "not before the end of time"


# --------------------------------------------------------------------------
# Date helpers (dates are int64 days since 1970-01-01, a Thursday)
# --------------------------------------------------------------------------


def _day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _weekday(d: np.ndarray) -> np.ndarray:
    """ISO weekday - 1 (Monday 0 ... Sunday 6)."""
    return (d + 3) % 7


def _next_business(d: np.ndarray) -> np.ndarray:
    wd = _weekday(d)
    return d + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def _prev_business(d: np.ndarray) -> np.ndarray:
    wd = _weekday(d)
    return d - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def _month_end(d: np.ndarray) -> np.ndarray:
    m = d.astype("datetime64[D]").astype("datetime64[M]")
    return ((m + 1).astype("datetime64[D]") - np.timedelta64(1, "D")).astype(np.int64)


def _month_index(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _year(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _uniform_int(rng: np.random.Generator, lo: Any, hi: Any, size: int) -> np.ndarray:
    """Integers uniform in [lo, hi] (inclusive, element-wise bounds)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    return lo + np.floor(rng.random(size) * (hi - lo + 1)).astype(np.int64)


def _group_rank(keys: np.ndarray) -> np.ndarray:
    """0-based rank of each element inside its run of equal (sorted) keys."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new)
    run = np.cumsum(new) - 1
    return np.arange(n) - starts[run]


def _lettering_codes(n: int) -> list[str]:
    """French-style lettering codes: AA, AB, ..., ZZ, AAA, AAB, ..."""
    out: list[str] = []
    width = 2
    while len(out) < n:
        out.extend("".join(t) for t in itertools.product(string.ascii_uppercase, repeat=width))
        width += 1
    return out[: max(n, 0)]


# --------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------


@dataclass
class _Customers:
    code: list[str]
    name: list[str]
    bank_label: list[str]
    group: list[str]
    segment: np.ndarray
    country: np.ndarray  # index into _COUNTRIES
    collector: np.ndarray
    credit_limit: np.ndarray  # cents
    insured_limit: np.ndarray  # cents, -1 = none
    terms: np.ndarray
    eom: np.ndarray
    registration: list[str]
    city: list[str]
    profile: np.ndarray


def _siren(rng: np.random.Generator, n: int) -> list[str]:
    """9-digit ids with a valid Luhn key, like real SIREN numbers."""
    digits = rng.integers(0, 10, size=(n, 8))
    digits[:, 0] = rng.integers(3, 9, size=n)
    # Luhn: double every second digit from the right, the key included.
    w = np.array([1, 2, 1, 2, 1, 2, 1, 2])
    prod = digits * w
    s = (prod // 10 + prod % 10).sum(axis=1)
    key = (10 - s % 10) % 10
    full = np.concatenate([digits, key[:, None]], axis=1)
    return ["".join(map(str, row)) for row in full.tolist()]


def _customer_names(segment: np.ndarray, country: np.ndarray, draws: np.ndarray,
                    picks: np.ndarray) -> tuple[list[str], list[str]]:
    """A plausible, unique company name and a city per customer: French small businesses,
    public bodies, foreign companies; homonyms get a department or a site."""
    names: list[str] = []
    cities: list[str] = []
    seen: set[str] = set()
    for i in range(len(segment)):
        first_pick, word_pick, form_pick, second_pick, place_pick, city_pick = picks[i].tolist()
        ctry = _COUNTRIES[country[i]]
        city = _CITIES[city_pick % len(_CITIES)] if ctry == "FR" else _FOREIGN_CITIES[ctry][city_pick % 4]
        if ctry != "FR" and (segment[i] == _EXPORT or draws[i, 0] < 0.5):
            lasts, forms = _FOREIGN[ctry]
            last, form = lasts[first_pick % len(lasts)], forms[form_pick % len(forms)]
            name = f"{last} {_SECTORS[word_pick % len(_SECTORS)]} {form}"
            if ctry == "DE":
                name = f"{last} & {lasts[(first_pick + 1 + second_pick % 4) % len(lasts)]} {form}"
        elif segment[i] == _PUBLIC:
            name = _PUBLIC_FORMS[first_pick % len(_PUBLIC_FORMS)].format(c=city)
            if city[0] in "AEIOUÉÈ":  # French elision: "d’Orléans", not "de Orléans"
                name = name.replace(f" de {city}", f" d’{city}")
        else:
            style = draws[i, 1]
            ln1 = _LAST[first_pick % len(_LAST)]
            ln2 = _LAST[second_pick % len(_LAST)]
            legal = _LEGAL[form_pick % len(_LEGAL)]
            if style < 0.34:
                name = f"{_ACTIVITIES[word_pick % len(_ACTIVITIES)]} {ln1} {legal}"
            elif style < 0.56:
                name = f"{_SECTORS[word_pick % len(_SECTORS)]} {_PLACES[place_pick % len(_PLACES)]} {legal}"
            elif style < 0.68:
                name = f"Établissements {ln1}" if draws[i, 2] < 0.6 else f"Éts {ln1} & Fils"
            elif style < 0.80:
                name = f"{ln1} & {ln2} {legal}"
            elif style < 0.87:
                name = f"{ln1}, {ln2} et Associés"
            elif style < 0.94:
                name = f"Société {_SECTORS[word_pick % len(_SECTORS)]} {_PLACES[place_pick % len(_PLACES)]}"
            elif style < 0.975:
                name = f"{_ACTIVITIES[word_pick % len(_ACTIVITIES)]} « Chez {ln1} »"
            else:
                name = f'Comptoir "{ln1}" {legal}'
        base = name
        homonym = 2
        while name in seen:  # homonyms: a department or a site of the same body
            sfx = _DUPLICATE_SUFFIXES[(place_pick + homonym) % len(_DUPLICATE_SUFFIXES)]
            name = f"{base} – {sfx}" if homonym < 2 + len(_DUPLICATE_SUFFIXES) else f"{base} {homonym}"
            homonym += 1
        seen.add(name)
        names.append(name)
        cities.append(city)
    return names, cities


def _bank_label(name: str) -> str:
    """The customer as a bank statement shows it: upper-case ASCII, whole words, at most 24
    characters."""
    label_text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "OE"))
    label_text = "".join(ch for ch in label_text if ord(ch) < 128).upper()
    label_text = "".join(ch if ch.isalnum() or ch == " " else " " for ch in label_text)
    words, label = label_text.split(), ""
    for wd in words:
        if len(label) + len(wd) + 1 > 24 and label:
            break
        label = f"{label} {wd}".strip()
    return label[:24]


def _registration_ids(siren: list[str], country: np.ndarray, vat_digits: list[int]) -> list[str]:
    """SIREN for French customers, a VAT number in each country's format for the others."""
    reg = list(siren)
    for i in range(len(reg)):
        ctry = _COUNTRIES[country[i]]
        digits = vat_digits[i]
        if ctry == "BE":
            reg[i] = f"BE0{digits}"
        elif ctry == "DE":
            reg[i] = f"DE{digits}"
        elif ctry == "ES":
            reg[i] = f"ESB{digits % 10**8:08d}"
        elif ctry == "IT":
            reg[i] = f"IT{digits:09d}{digits % 97:02d}"
        elif ctry == "CH":
            padded = f"{digits:09d}"
            reg[i] = f"CHE-{padded[:3]}.{padded[3:6]}.{padded[6:]}"
    return reg


def _make_customers(rng: np.random.Generator, n: int) -> _Customers:
    hi = max(99_999, 3 * n)
    width = max(5, len(str(hi)))
    nums = np.sort(rng.choice(hi, size=n, replace=False) + 1)
    code = [f"C{digits:0{width}d}" for digits in nums.tolist()]

    segment = rng.choice(len(SEGMENTS), size=n, p=_SEG_P)
    country = np.zeros(n, dtype=np.int64)
    draw = rng.random(n)
    country = np.where(segment == _EXPORT, 1 + np.floor(draw * 5).astype(np.int64),
                       np.where(draw < 0.05, 1, 0))  # some Belgian customers in France's segments

    draws = rng.random((n, 6))
    picks = rng.integers(0, 1 << 30, size=(n, 6))
    names, cities = _customer_names(segment, country, draws, picks)
    bank = [_bank_label(name) for name in names]

    # groups: about 40 for 300 customers, sizes skewed; 40 % are standalone
    n_groups = max(3, int(round(n * 40 / 300)))
    group_weight = 1.0 / np.arange(1, n_groups + 1) ** 0.7
    group_of = rng.choice(n_groups, size=n, p=group_weight / group_weight.sum())
    in_group = rng.random(n) < 0.6
    gnames = []
    for group_index in range(n_groups):
        last_name = _LAST[(group_index * 7 + 3) % len(_LAST)]
        form = group_index % 4
        name = (f"Groupe {last_name}", f"{last_name} Holding",
                f"Groupe {_SECTORS[group_index % len(_SECTORS)]} {last_name}", f"{last_name} Participations")[form]
        if group_index >= len(_LAST):
            name = f"{name} {group_index // len(_LAST) + 1}"
        gnames.append(name)
    group = [gnames[group_index] if ig else "" for group_index, ig in zip(group_of.tolist(), in_group.tolist())]

    # collectors: portfolios by segment, the rest spread
    n_collectors = len(_COLLECTORS) if n >= 60 else 5
    collector = rng.integers(0, n_collectors, size=n)
    draw = rng.random(n)
    collector = np.where((segment == _GC) & (draw < 0.7), np.where(draw < 0.35, 0, 2), collector)
    collector = np.where((segment == _PUBLIC) & (draw < 0.8), 3, collector)
    collector = np.where((segment == _EXPORT) & (draw < 0.8), 4, collector)
    collector = np.minimum(collector, n_collectors - 1)

    # payment terms: 30/45/60 days, a quarter "fin de mois"
    terms = rng.choice(np.array([30, 45, 60]), size=n, p=[0.45, 0.35, 0.20])
    terms = np.where(segment == _PUBLIC, 30, terms)
    eom = (rng.random(n) < 0.25) & (segment != _PUBLIC)

    # credit limit from expected exposure, rounded to a "nice" number
    expo = _SEG_MEDIAN[segment] * 1.6 * _SEG_RATE[segment] * (terms / 30.0 + 1.0)
    expo = expo * np.exp(rng.normal(0.0, 0.6, size=n))
    nice = np.array([5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 300, 400, 500,
                     750, 1000, 1500, 2000]) * 1000.0
    limit = nice[np.clip(np.searchsorted(nice, expo), 0, len(nice) - 1)]
    insured = np.where(
        rng.random(n) < 0.65,
        np.floor(limit * rng.choice(np.array([0.5, 0.7, 0.8, 1.0]), size=n) / 1000.0) * 1000.0,
        -1.0,
    )
    profile = np.minimum(4, (rng.random(n)[:, None] > np.cumsum(_PROFILE_P[segment], axis=1)).sum(axis=1))

    reg = _siren(rng, n)
    reg = _registration_ids(reg, country, rng.integers(10**8, 10**9, size=n).tolist())

    return _Customers(
        code=code, name=names, bank_label=bank, group=group, segment=segment,
        country=country, collector=collector, credit_limit=(limit * 100).astype(np.int64),
        insured_limit=np.where(insured < 0, -1, insured * 100).astype(np.int64), terms=terms,
        eom=eom, registration=reg, city=cities, profile=profile,
    )


# --------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------


@dataclass
class _World:
    start: int
    end: int
    companies: tuple[str, ...]
    cust: _Customers
    # accounts (company x customer)
    acct_cust: np.ndarray
    acct_comp: np.ndarray
    acct_collector: np.ndarray
    overrides: list[dict[str, Any]]
    # ledger lines (true state as of `end`), sorted by company, posting date
    lines: dict[str, np.ndarray]
    line_docnum: pa.Array
    line_reference: pa.Array
    line_letter_code: pa.Array
    inv_docnum: pa.Array
    # dunning rows, sorted by extract
    dun: dict[str, np.ndarray]
    mondays: np.ndarray
    # re-delivery corrections: month -> original values to write in the
    # first delivery (the re-delivered file carries the true values)
    redelivered_months: list[int]
    errata: dict[str, np.ndarray]

    @property
    def n_lines(self) -> int:
        return int(len(self.lines["post"]))


@dataclass
class _Accounts:
    """The customer accounts (company x customer) and how each behaves."""

    customer: np.ndarray  # index into _Customers
    company: np.ndarray  # index into the companies
    terms: np.ndarray
    eom: np.ndarray
    collector: np.ndarray
    overrides: list[dict[str, Any]]  # company-specific master rows
    segment: np.ndarray
    profile: np.ndarray
    currency: np.ndarray  # index into _CURRENCIES
    pays_in_batches: np.ndarray
    log_median_amount: np.ndarray
    invoice_rate: np.ndarray  # invoices per month
    delay_offset: np.ndarray  # days added to every payment delay
    active_from: np.ndarray
    active_until: np.ndarray

    @property
    def count(self) -> int:
        return len(self.customer)


def _open_accounts(rng: np.random.Generator, n_customers: int, n_companies: int) -> tuple[np.ndarray, np.ndarray]:
    """Most customers buy from FR01, a few from the subsidiary, a handful from both (same
    customer code in both books). Returns (customer, company) per account."""
    draw = rng.random(n_customers)
    if n_companies == 1:
        pairs = [(i, 0) for i in range(n_customers)]
    else:
        other = 1 + rng.integers(0, n_companies - 1, size=n_customers)
        both = draw < 0.03
        only_other = (draw >= 0.03) & (draw < 0.11)
        pairs = []
        for i in range(n_customers):
            if both[i]:
                pairs += [(i, 0), (i, int(other[i]))]
            elif only_other[i]:
                pairs.append((i, int(other[i])))
            else:
                pairs.append((i, 0))
    return (np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs], dtype=np.int64))


def _subsidiary_overrides(rng: np.random.Generator, account_company: np.ndarray, terms: np.ndarray,
                          eom: np.ndarray, collector: np.ndarray, limit: np.ndarray,
                          insured: np.ndarray) -> list[dict[str, Any]]:
    """Company-specific master rows for part of the subsidiary's accounts: its own collector, a
    lower credit limit, sometimes other terms (the arrays are changed in place)."""
    overrides: list[dict[str, Any]] = []
    draws = rng.random((len(account_company), 4))
    for a in np.flatnonzero((account_company > 0) & (draws[:, 0] < 0.45)).tolist():
        collector[a] = (collector[a] + 1 + int(draws[a, 1] * 4)) % min(len(_COLLECTORS), 5)
        limit[a] = max(500_000, (limit[a] // 2) // 500_000 * 500_000)
        if insured[a] > limit[a]:
            insured[a] = limit[a]
        if draws[a, 2] < 0.3:
            terms[a] = 30 if terms[a] != 30 else 45
            eom[a] = False
        overrides.append(dict(acct=a, collector=int(collector[a]), limit=int(limit[a]),
                              insured=int(insured[a]), terms=int(terms[a])))
    return overrides


def _make_accounts(rng: np.random.Generator, cust: _Customers, n_companies: int, start: int, end: int,
                   rate_factor: float) -> _Accounts:
    customer, company = _open_accounts(rng, len(cust.code), n_companies)
    n_accounts = len(customer)
    terms = cust.terms[customer].copy()
    eom = cust.eom[customer].copy()
    collector = cust.collector[customer].copy()
    overrides = _subsidiary_overrides(rng, company, terms, eom, collector, cust.credit_limit[customer].copy(),
                                      cust.insured_limit[customer].copy())

    segment = cust.segment[customer]
    profile = cust.profile[customer]
    country = cust.country[customer]
    currency = np.zeros(n_accounts, dtype=np.int64)
    draw = rng.random(n_accounts)
    currency = np.where((country == _COUNTRIES.index("CH")) & (draw < 0.8), 1, currency)
    currency = np.where((segment == _EXPORT) & (country != _COUNTRIES.index("CH")) & (draw < 0.15), 2, currency)
    pays_in_batches = np.isin(profile, [_PUNCTUAL, _LATE]) & (rng.random(n_accounts) < 0.4)
    log_median_amount = np.log(_SEG_MEDIAN[segment]) + rng.normal(0.0, 0.5, size=n_accounts)
    invoice_rate = _SEG_RATE[segment] * np.exp(rng.normal(-0.18, 0.6, size=n_accounts)) * rate_factor
    invoice_rate = np.where(company > 0, invoice_rate * 0.6, invoice_rate)
    delay_offset = np.round(rng.normal(0.0, 3.0, size=n_accounts)).astype(np.int64)

    # active period: most accounts over the whole window, some are won during it, some are lost
    span = end - start + 1
    draw = rng.random(n_accounts)
    active_from = np.where(draw < 0.12, start + (rng.random(n_accounts) * 0.7 * span).astype(np.int64), start)
    active_until = np.where(draw > 0.92, end - (rng.random(n_accounts) * 0.7 * span).astype(np.int64), end)
    active_until = np.maximum(active_until, active_from + 30)
    active_until = np.minimum(active_until, end)
    return _Accounts(customer=customer, company=company, terms=terms, eom=eom, collector=collector,
                     overrides=overrides, segment=segment, profile=profile, currency=currency,
                     pays_in_batches=pays_in_batches, log_median_amount=log_median_amount,
                     invoice_rate=invoice_rate, delay_offset=delay_offset, active_from=active_from,
                     active_until=active_until)


def _draw_invoices(rng: np.random.Generator, acc: _Accounts, start: int, end: int) -> dict[str, np.ndarray]:
    """The invoices: how many per account, when, due when, for how much."""
    months = (acc.active_until - acc.active_from + 1) / 30.44
    counts = rng.poisson(acc.invoice_rate * months)
    n_invoices = int(counts.sum())
    account = np.repeat(np.arange(acc.count), counts)
    first, last = acc.active_from[account], acc.active_until[account]
    post = first + np.floor(rng.random(n_invoices) * (last - first + 1)).astype(np.int64)
    # invoicing runs on business days, with a peak on the last one of the month
    month_end_run = _prev_business(_month_end(post))
    post = np.where(rng.random(n_invoices) < 0.12, month_end_run, post)
    business_day = _prev_business(post)
    post = np.clip(np.where(business_day < start, _next_business(post), business_day), start, end)
    doc = post - rng.choice(np.array([0, 1, 2]), size=n_invoices, p=[0.65, 0.25, 0.10])
    eom = acc.eom[account]
    due = doc + acc.terms[account]
    due = np.where(eom, _month_end(due), due)
    # the ERP leaves the due date empty on some invoices: the warehouse
    # completes it from the customer's terms (never on "fin de mois" ones)
    due_missing = (~eom) & (rng.random(n_invoices) < 0.10)
    amount = np.round(np.exp(acc.log_median_amount[account] + rng.normal(0.0, 0.85, size=n_invoices))
                      * 100).astype(np.int64)
    amount = np.clip(amount, 1500, 60_000_000)
    return dict(account=account, post=post, doc=doc, due=due, due_missing=due_missing, amount=amount,
                currency=acc.currency[account], profile=acc.profile[account], segment=acc.segment[account],
                # 16 uniform draws per invoice, one column per decision below
                draws=rng.random((n_invoices, 16)))


def _settlement_plan(rng: np.random.Generator, inv: dict[str, np.ndarray],
                     acc: _Accounts) -> dict[str, np.ndarray]:
    """Never paid, disputed (and how the dispute ends), commercial credit note, instalments, and
    the payment date the payer's profile gives."""
    n_invoices, draws, profile, amount = len(inv["post"]), inv["draws"], inv["profile"], inv["amount"]
    never = np.where(profile == _NEVER, draws[:, 0] < 0.22, draws[:, 0] < 0.002)
    dispute = np.where(profile == _DISPUTING, draws[:, 1] < 0.30, draws[:, 1] < 0.015)
    # dispute outcome: 0 paid (very) late in full, 1 partial credit note then
    # payment of the rest, 2 cancelled by a full credit note
    outcome = np.where(draws[:, 2] < 0.45, 0, np.where(draws[:, 2] < 0.85, 1, 2))
    outcome = np.where(dispute, outcome, -1)
    commercial_cn = ~dispute & ~never & (draws[:, 3] < 0.03)
    may_split = ~dispute & ~never & ~commercial_cn & (amount >= 100_000)
    instalments = np.where(may_split & (draws[:, 4] < np.where(profile == _CHRONIC, 0.15, 0.04)),
                           np.where(draws[:, 5] < 0.4, 3, 2), 1)

    low = np.array([0, 8, 40, 0, 10])[profile]
    high = np.array([0, 32, 125, 30, 45])[profile]
    delay = low + np.floor(draws[:, 6] * (high - low + 1)).astype(np.int64)
    punctual_delay = np.clip(np.round(rng.normal(-1.0, 4.0, size=n_invoices)), -20, 10).astype(np.int64)
    delay = np.where(profile == _PUNCTUAL, punctual_delay, delay) + acc.delay_offset[inv["account"]]
    pay = inv["due"] + delay
    pay = np.where(outcome == 0, pay + _uniform_int(rng, 60, 150, n_invoices), pay)
    return dict(never=never, dispute=dispute, dispute_outcome=outcome, commercial_cn=commercial_cn,
                instalments=instalments, pay=pay)


def _credit_notes(rng: np.random.Generator, inv: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Credit notes (dispute settlements and commercial ones) and the payment they hold back."""
    n_invoices, post, due, amount, pay = len(inv["post"]), inv["post"], inv["due"], inv["amount"], inv["pay"]
    outcome, commercial_cn = inv["dispute_outcome"], inv["commercial_cn"]
    has_cn = commercial_cn | (outcome >= 1)
    cn_date = np.full(n_invoices, _NEVER)
    resolution = due + _uniform_int(rng, 20, 120, n_invoices)
    cn_date = np.where(outcome >= 1, resolution, cn_date)
    cn_share = np.where(outcome == 1, 0.1 + 0.5 * inv["draws"][:, 7], 0.03 + 0.22 * inv["draws"][:, 7])
    cn_amount = np.where(has_cn, np.round(amount * cn_share).astype(np.int64), 0)
    cn_amount = np.where(outcome == 2, amount, cn_amount)
    cn_date = np.where(commercial_cn, post + _uniform_int(rng, 3, 50, n_invoices), cn_date)
    cn_date = np.where(has_cn, _next_business(np.maximum(cn_date, post + 1)), _NEVER)
    # the customer waits for the credit note before paying the rest
    awaiting_cn = commercial_cn & (cn_date > due)
    pay = np.where(commercial_cn & (cn_date > pay - 3),
                   np.maximum(pay, cn_date + _uniform_int(rng, 2, 10, n_invoices)), pay)
    pay = np.where(outcome == 1, cn_date + _uniform_int(rng, 5, 30, n_invoices), pay)
    pay = _next_business(np.maximum(pay, post + 1))
    return dict(has_cn=has_cn, cn_date=cn_date, cn_amount=cn_amount, awaiting_cn=awaiting_cn, pay=pay)


def _payment_differences(rng: np.random.Generator, inv: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Short payments (bank charges, rounding) and a few overpayments on single payments: most are
    written off with an OD lettered with the invoice, the rest are lettered unbalanced. Then the
    returned payments (paid, rejected by the bank, paid again later) and the instalments."""
    n_invoices, draws, currency, amount = len(inv["post"]), inv["draws"], inv["currency"], inv["amount"]
    dispute, profile, pay = inv["dispute"], inv["profile"], inv["pay"]
    single = (inv["instalments"] == 1) & ~inv["never"] & (inv["dispute_outcome"] != 2)
    short_share = np.where((currency > 0) | (inv["segment"] == _EXPORT), 0.15, 0.05)
    may_differ = single & ~dispute
    short = may_differ & (draws[:, 8] < short_share)
    over = may_differ & (draws[:, 8] >= short_share) & (draws[:, 8] < short_share + 0.01)
    difference = np.where(currency > 0, _uniform_int(rng, 1500, 3500, n_invoices),
                          _uniform_int(rng, 1, 2000, n_invoices))
    difference = np.where(short | over, np.minimum(difference, amount // 10), 0)
    writeoff = (short & (draws[:, 9] >= 0.3)) | (over & (draws[:, 9] >= 0.4))
    returned = single & ~dispute & ~inv["commercial_cn"] & ~short & ~over & (
        draws[:, 10] < np.where(np.isin(profile, [_LATE, _CHRONIC]), 0.012, 0.004))

    first_payment = pay
    rejection = _next_business(first_payment + _uniform_int(rng, 3, 12, n_invoices))
    pay = np.where(returned, _next_business(rejection + _uniform_int(rng, 10, 40, n_invoices)), pay)

    # instalments (2 or 3) a month apart
    second = _next_business(pay + _uniform_int(rng, 25, 35, n_invoices))
    third = _next_business(second + _uniform_int(rng, 25, 35, n_invoices))
    instalments = inv["instalments"]
    settle_pay = np.where(instalments == 3, third, np.where(instalments == 2, second, pay))
    return dict(single=single, short=short, over=over, difference=difference, writeoff=writeoff,
                returned=returned, first_payment=first_payment, rejection=rejection, pay=pay,
                second_instalment=second, third_instalment=third, settle_pay=settle_pay)


def _promises_and_blocking_causes(rng: np.random.Generator, inv: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Payment promises (chronic-late customers promise most of their payments), other blocking
    causes on some late invoices (resolved before payment), and when disputes start."""
    n_invoices, draws, profile, post, due, pay = (len(inv["post"]), inv["draws"], inv["profile"], inv["post"],
                                                  inv["due"], inv["pay"])
    never, dispute = inv["never"], inv["dispute"]
    late_by = inv["settle_pay"] - due
    promise_share = np.where(profile == _CHRONIC, 0.7, np.where(profile == _LATE, 0.25, 0.03))
    promised = (inv["instalments"] == 1) & ~never & ~dispute & (late_by > 5) & (draws[:, 11] < promise_share)
    promise_start = np.maximum(np.maximum(due - 5, post + 1), pay - _uniform_int(rng, 7, 28, n_invoices))
    kept = draws[:, 12] < 0.7
    promised_date = np.where(kept, pay - _uniform_int(rng, 0, 3, n_invoices),
                             np.maximum(promise_start + 3, pay - _uniform_int(rng, 10, 35, n_invoices)))
    promised_date = np.maximum(promised_date, promise_start + 1)

    other_cause = ~never & ~dispute & (late_by > 10) & ~promised & (draws[:, 13] < 0.09)
    cause_kind = np.array([_C_NOT_RECEIVED, _C_LABEL, _C_MISMATCH, _C_OTHER])[
        (draws[:, 14][:, None] > np.array([0.35, 0.55, 0.85])).sum(axis=1)]
    cause_start = np.maximum(post + 1, due + _uniform_int(rng, -5, 15, n_invoices))
    cause_end = np.maximum(cause_start + 7, pay - _uniform_int(rng, 0, 10, n_invoices))
    cause_not_dunned = draws[:, 15] < 0.4
    dispute_start = post + _uniform_int(rng, 5, 40, n_invoices)
    resolution = np.where(inv["dispute_outcome"] >= 1, inv["cn_date"], pay)
    dispute_start = np.where(dispute_start >= resolution - 7, post + 1, dispute_start)
    arbitration_after = _uniform_int(rng, 21, 42, n_invoices)
    return dict(promised=promised, promise_start=promise_start, promised_date=promised_date,
                other_cause=other_cause, cause_kind=cause_kind, cause_start=cause_start, cause_end=cause_end,
                cause_not_dunned=cause_not_dunned, dispute_start=dispute_start,
                arbitration_after=arbitration_after)


def _simulate_invoices(rng: np.random.Generator, acc: _Accounts, start: int, end: int) -> dict[str, np.ndarray]:
    """Every invoice and what happens to it, as arrays (one row per invoice)."""
    inv = _draw_invoices(rng, acc, start, end)
    inv.update(_settlement_plan(rng, inv, acc))
    inv.update(_credit_notes(rng, inv))
    inv.update(_payment_differences(rng, inv))
    inv.update(_promises_and_blocking_causes(rng, inv))
    return inv


def _batch_payments(inv: dict[str, np.ndarray], acc: _Accounts, start: int) -> dict[str, Any]:
    """Some customers pay all invoices falling due in a week with one transfer ("relevé"),
    lettered together: the batched invoices, their lettering group and the transfers."""
    n_invoices, pay, account = len(inv["post"]), inv["pay"], inv["account"]
    batched = (acc.pays_in_batches[account] & inv["single"] & ~inv["dispute"] & ~inv["commercial_cn"]
               & ~inv["short"] & ~inv["over"] & ~inv["returned"] & (inv["currency"] == 0) & ~inv["promised"])
    monday0 = start - int(_weekday(np.array([start]))[0])
    week_key = account * 100_000 + (pay - monday0) // 7
    batch_keys, batch_of = np.unique(week_key[batched], return_inverse=True)
    n_batches = len(batch_keys)
    group = np.arange(n_invoices, dtype=np.int64)
    group[batched] = n_invoices + batch_of
    transfer_date = np.full(n_batches, np.int64(-(10**9)))
    np.maximum.at(transfer_date, batch_of, pay[batched])
    transfer_amount = np.bincount(batch_of, weights=inv["amount"][batched],
                                  minlength=n_batches).round().astype(np.int64)
    transfer_account = np.zeros(n_batches, dtype=np.int64)
    transfer_account[batch_of] = account[batched]
    return dict(batched=batched, group=group, count=n_batches, date=transfer_date, amount=transfer_amount,
                account=transfer_account)


class _Segments:
    """Ledger lines gathered as column segments, one per kind of line."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, kind: int, acct: np.ndarray, post: np.ndarray, amount: np.ndarray, group: np.ndarray,
            inv: np.ndarray, doc: np.ndarray | None = None, due: np.ndarray | None = None,
            due_missing: np.ndarray | None = None, currency: np.ndarray | None = None,
            amount_currency: np.ndarray | None = None, sub: np.ndarray | None = None) -> None:
        size = len(acct)
        self.parts.append(dict(
            kind=np.full(size, kind, dtype=np.int64), acct=acct, post=post, amount=amount, group=group,
            inv=inv, doc=post if doc is None else doc,
            due=np.full(size, _NODATE) if due is None else due,
            due_missing=np.zeros(size, bool) if due_missing is None else due_missing,
            cur=np.zeros(size, np.int64) if currency is None else currency,
            amt_cur=np.zeros(size, np.int64) if amount_currency is None else amount_currency,
            sub=np.zeros(size, np.int64) if sub is None else sub,
        ))

    def columns(self) -> dict[str, np.ndarray]:
        return {name: np.concatenate([part[name] for part in self.parts]) for name in self.parts[0]}


def _ledger_lines(rng: np.random.Generator, inv: dict[str, np.ndarray],
                  batches: dict[str, Any]) -> tuple[dict[str, np.ndarray], int]:
    """The true ledger (before the export cut): every line of every invoice's story, with its
    lettering group. Returns the line columns and the number of groups."""
    n_invoices, account, amount, currency = len(inv["post"]), inv["account"], inv["amount"], inv["currency"]
    group, n_batches, pay = batches["group"], batches["count"], inv["pay"]
    cn_amount, short, over, difference = inv["cn_amount"], inv["short"], inv["over"], inv["difference"]
    instalments = inv["instalments"]

    # foreign-currency invoices: the amount in currency at the day's rate
    day = inv["post"].astype(np.float64)
    rate = np.where(currency == 1, 0.94 + 0.02 * np.sin(day / 90.0), 1.08 + 0.04 * np.sin(day / 120.0))
    invoice_currency_amount = np.where(currency > 0, np.round(amount * rate), 0).astype(np.int64)

    def in_currency(eur: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Same share of the invoice's currency amount as of its EUR amount."""
        return np.where(currency[idx] > 0, np.round(invoice_currency_amount[idx] * (eur / amount[idx])),
                        0).astype(np.int64)

    lines = _Segments()
    lines.add(_KIND_INVOICE, account, inv["post"], amount, group, np.arange(n_invoices), inv["doc"], inv["due"],
              inv["due_missing"], currency, invoice_currency_amount)
    cn = np.flatnonzero(inv["has_cn"] & ~inv["never"])
    lines.add(_KIND_CN, account[cn], inv["cn_date"][cn], -cn_amount[cn], group[cn], cn, currency=currency[cn],
              amount_currency=-in_currency(cn_amount[cn], cn))
    # single payments (not batched)
    paid = np.flatnonzero(inv["single"] & ~batches["batched"])
    paid_amount = (amount[paid] - cn_amount[paid] - np.where(short[paid], difference[paid], 0)
                   + np.where(over[paid], difference[paid], 0))
    lines.add(_KIND_PAYMENT, account[paid], pay[paid], -paid_amount, group[paid], paid, currency=currency[paid],
              amount_currency=-in_currency(amount[paid] - cn_amount[paid], paid))
    # instalments
    for j in range(3):
        split = np.flatnonzero((instalments > 1) & (instalments > j))
        part = (amount[split] // instalments[split]) // 100 * 100
        last = amount[split] - part * (instalments[split] - 1)
        part_amount = np.where(j == instalments[split] - 1, last, part)
        when = (pay, inv["second_instalment"], inv["third_instalment"])[j][split]
        lines.add(_KIND_PAYMENT, account[split], when, -part_amount, group[split], split, currency=currency[split],
                  amount_currency=-in_currency(part_amount, split), sub=np.full(len(split), j + 1))
    # batch payments: one transfer for several invoices
    lines.add(_KIND_PAYMENT, batches["account"], batches["date"], -batches["amount"],
              n_invoices + np.arange(n_batches), np.full(n_batches, -1))
    # write-offs of payment differences (OD), lettered with the invoice
    written_off = np.flatnonzero(inv["writeoff"])
    od_date = _next_business(pay[written_off] + _uniform_int(rng, 0, 15, len(written_off)))
    lines.add(_KIND_OD, account[written_off], od_date,
              np.where(short[written_off], -difference[written_off], difference[written_off]),
              group[written_off], written_off)
    # returned payments: the first payment and its rejection letter together
    returned = np.flatnonzero(inv["returned"])
    return_group = n_invoices + n_batches + np.arange(len(returned))
    returned_amount = amount[returned]
    lines.add(_KIND_PAYMENT, account[returned], inv["first_payment"][returned], -returned_amount, return_group,
              returned, currency=currency[returned], amount_currency=-in_currency(returned_amount, returned),
              sub=np.full(len(returned), 9))
    lines.add(_KIND_RETURN, account[returned], inv["rejection"][returned], returned_amount, return_group,
              returned, currency=currency[returned], amount_currency=in_currency(returned_amount, returned))
    return lines.columns(), n_invoices + n_batches + len(returned)


def _lettering_dates(rng: np.random.Generator, lines: dict[str, np.ndarray], n_groups: int,
                     end: int) -> dict[str, np.ndarray]:
    """A group is lettered once all its items are posted, after a lag; lettering after `end` is
    not in the export yet. Unapplied payments (no usable reference) are lettered weeks later."""
    complete = np.full(n_groups, np.int64(-(10**9)))
    np.maximum.at(complete, lines["group"], lines["post"])
    has_credit = np.bincount(lines["group"], weights=(lines["amount"] < 0), minlength=n_groups) > 0
    draws = rng.random((n_groups, 2))
    lag = np.where(draws[:, 0] < 0.72, np.floor(draws[:, 1] * 4),
                   np.where(draws[:, 0] < 0.97, 4 + np.floor(draws[:, 1] * 17),
                            30 + np.floor(draws[:, 1] * 121))).astype(np.int64)
    unapplied = draws[:, 0] > 0.995
    unapplied |= rng.random(n_groups) < 0.05
    lag = np.where(unapplied, 14 + np.floor(draws[:, 1] * 77).astype(np.int64), lag)
    letter = np.where(has_credit, _next_business(complete + lag), _NEVER)
    return dict(complete=complete, has_credit=has_credit, unapplied=unapplied, letter=letter,
                lettered=letter <= end)


def _export_cut_and_numbers(lines: dict[str, np.ndarray], groups: dict[str, np.ndarray],
                            account_company: np.ndarray, end: int) -> dict[str, np.ndarray]:
    """The lines posted by the export date, in export order (company, posting date, kind, ...),
    with their lettering date, entry sequence and document sequence (one series per company,
    document class and year)."""
    keep = lines["post"] <= end
    lines = {name: values[keep] for name, values in lines.items()}
    lines["letter"] = np.where(groups["lettered"][lines["group"]], groups["letter"][lines["group"]], _NODATE)
    company = account_company[lines["acct"]]
    lines["comp"] = company
    order = np.lexsort((lines["sub"], lines["inv"], lines["group"], lines["acct"], lines["kind"], lines["post"],
                        company))
    lines = {name: values[order] for name, values in lines.items()}
    company = lines["comp"]
    lines["seq"] = _group_rank(company) + 1
    document_class = np.where(lines["kind"] == _KIND_RETURN, 4, lines["kind"])
    year = _year(lines["post"])
    by_series = np.lexsort((np.arange(len(company)), lines["post"], year, document_class, company))
    series = (company[by_series] * 10 + document_class[by_series]) * 10_000 + year[by_series]
    document_seq = np.empty(len(company), dtype=np.int64)
    document_seq[by_series] = _group_rank(series) + 1
    # an instalment or a first payment keeps its own payment number
    lines["dseq"] = document_seq
    lines["year"] = year
    lines["dclass"] = document_class
    return lines


def _lettering_code_column(lines: dict[str, np.ndarray], groups: dict[str, np.ndarray],
                           n_groups: int) -> pa.Array:
    """Lettering codes per account, in lettering order (AA, AB, ...); empty when unlettered."""
    lettered = np.flatnonzero(groups["lettered"])
    group_account = np.zeros(n_groups, dtype=np.int64)
    group_account[lines["group"]] = lines["acct"]
    lettered = lettered[np.lexsort((lettered, groups["letter"][lettered], group_account[lettered]))]
    rank = _group_rank(group_account[lettered])
    codes = _lettering_codes(int(rank.max()) + 1 if len(rank) else 0)
    group_code = np.full(n_groups, -1, dtype=np.int64)
    group_code[lettered] = rank
    line_code = group_code[lines["group"]]
    code_arr = pa.array(codes + [""], type=pa.string())
    return pc.take(code_arr, pa.array(np.where(line_code < 0, len(codes), line_code)))


def _redelivery_errata(rng: np.random.Generator, lines: dict[str, np.ndarray], n_groups: int,
                       line_reference: pa.Array) -> tuple[list[int], dict[str, np.ndarray]]:
    """The months delivered twice (the 5th, and over a year the one at two thirds) and the errors
    their first delivery carried: two invoice amounts, two due dates, up to three payment
    references."""
    months = np.unique(_month_index(lines["post"]))
    redelivered: list[int] = []
    if len(months) >= 3:
        redelivered.append(int(months[min(4, len(months) - 2)]))
    if len(months) >= 12:
        redelivered.append(int(months[(2 * len(months)) // 3]))
    n_lines = len(lines["comp"])
    wrong_amount = np.full(n_lines, -1, dtype=np.int64)  # original debit in cents
    wrong_due = np.full(n_lines, _NODATE)
    wrong_due_flag = np.zeros(n_lines, bool)
    missing_reference = np.zeros(n_lines, bool)
    month = _month_index(lines["post"])
    is_invoice = lines["kind"] == _KIND_INVOICE
    lettered_line = lines["letter"] != _NODATE
    balance = np.bincount(lines["group"], weights=lines["amount"], minlength=n_groups)
    has_reference = np.asarray(pc.utf8_length(line_reference)) > 0
    for m in redelivered:
        in_month = month == m
        candidates = np.flatnonzero(in_month & is_invoice & lettered_line & (np.abs(balance[lines["group"]]) < 0.5)
                                    & (lines["cur"] == 0))
        if len(candidates):
            pick = rng.choice(candidates, size=min(2, len(candidates)), replace=False)
            # a typing error on the amount (digits swapped or a digit off)
            wrong_amount[pick] = lines["amount"][pick] + rng.choice(np.array([-900, 900, 9000, -90]),
                                                                     size=len(pick))
            wrong_amount[pick] = np.maximum(wrong_amount[pick], 100)
        candidates = np.flatnonzero(in_month & is_invoice & ~lines["due_missing"] & (wrong_amount < 0))
        if len(candidates):
            pick = rng.choice(candidates, size=min(2, len(candidates)), replace=False)
            wrong_due[pick] = lines["due"][pick] + 30
            wrong_due_flag[pick] = True
        candidates = np.flatnonzero(in_month & (lines["kind"] == _KIND_PAYMENT) & has_reference)
        if len(candidates):
            pick = rng.choice(candidates, size=min(3, len(candidates)), replace=False)
            missing_reference[pick] = True
    return redelivered, dict(amount=wrong_amount, due=wrong_due, due_flag=wrong_due_flag, ref=missing_reference)


def _simulate(
    seed: int,
    n_customers: int,
    start_d: date,
    end_d: date,
    companies: tuple[str, ...],
    rate_factor: float,
    lines_only: bool = False,
) -> _World | int:
    """Simulate the receivables; with ``lines_only`` just count the lines.

    Every random draw comes from one generator in a fixed order: the same seed gives the same
    files, byte for byte.
    """
    rng = np.random.default_rng([seed, 1])
    start, end = _day(start_d), _day(end_d)
    cust = _make_customers(rng, n_customers)
    acc = _make_accounts(rng, cust, len(companies), start, end, rate_factor)
    inv = _simulate_invoices(rng, acc, start, end)
    batches = _batch_payments(inv, acc, start)
    lines, n_groups = _ledger_lines(rng, inv, batches)
    if lines_only:
        return int((lines["post"] <= end).sum())

    groups = _lettering_dates(rng, lines, n_groups, end)
    lines = _export_cut_and_numbers(lines, groups, acc.company, end)
    n_invoices = len(inv["post"])
    # invoice numbers by invoice index (for references and dunning)
    is_invoice = lines["kind"] == _KIND_INVOICE
    invoice_seq = np.zeros(n_invoices, dtype=np.int64)
    invoice_year = np.zeros(n_invoices, dtype=np.int64)
    invoice_seq[lines["inv"][is_invoice]] = lines["dseq"][is_invoice]
    invoice_year[lines["inv"][is_invoice]] = lines["year"][is_invoice]
    line_docnum = _doc_numbers(lines.pop("dclass"), lines["year"], lines["dseq"])
    inv_docnum = _doc_numbers(np.zeros(n_invoices, np.int64), invoice_year, invoice_seq)

    line_letter_code = _lettering_code_column(lines, groups, n_groups)
    line_reference = _references(rng, lines, cust, acc.customer, inv_docnum, line_docnum, batches["group"],
                                 batches["batched"], n_invoices, groups["unapplied"], inv["dispute_outcome"])
    redelivered, errata = _redelivery_errata(rng, lines, n_groups, line_reference)

    invoice_group = batches["group"]
    settled = groups["has_credit"][invoice_group] & ~inv["never"]
    dun, mondays = _dunning(
        rng, start, end, inv, np.where(settled, groups["complete"][invoice_group], _NEVER),
        np.where(settled, groups["letter"][invoice_group], _NEVER), acc,
    )

    return _World(
        start=start, end=end, companies=tuple(companies), cust=cust, acct_cust=acc.customer,
        acct_comp=acc.company, acct_collector=acc.collector, overrides=acc.overrides, lines=lines,
        line_docnum=line_docnum, line_reference=line_reference,
        line_letter_code=line_letter_code, inv_docnum=inv_docnum, dun=dun, mondays=mondays,
        redelivered_months=redelivered, errata=errata,
    )


def _int_str(v: np.ndarray, width: int = 0) -> pa.Array:
    s = pa.array(np.asarray(v, dtype=np.int64)).cast(pa.string())
    if width:
        s = pc.utf8_lpad(s, width=width, padding="0")
    return s


def _doc_numbers(dclass: np.ndarray, year: np.ndarray, seq: np.ndarray) -> pa.Array:
    """``F2025-00123``, ``AV2025-00012``, ``RG2025-000456``, ``OD2025-00007``."""
    width = np.array([5, 5, 6, 5, 4])
    pref = pa.array(list(_DOC_PREFIX), type=pa.string())
    maxseq = np.zeros(5, dtype=np.int64)
    if len(seq):
        np.maximum.at(maxseq, dclass, seq)
    widths = np.maximum(width, np.array([len(str(int(v))) for v in maxseq]))
    # pad every class to its own width: build per width, then pick
    padded = {w: _int_str(seq, int(w)) for w in np.unique(widths).tolist()}
    num = padded[int(widths[0])]
    for c in range(1, 5):
        w = int(widths[c])
        if w != int(widths[0]):
            num = pc.if_else(pa.array(dclass == c), padded[w], num)
    out = pc.binary_join_element_wise(pc.take(pref, pa.array(dclass)), _int_str(year), "")
    return pc.binary_join_element_wise(out, num, "-")


def _references(
    rng: np.random.Generator,
    lines: dict[str, np.ndarray],
    cust: _Customers,
    acct_cust: np.ndarray,
    inv_docnum: pa.Array,
    docnum: pa.Array,
    inv_group: np.ndarray,
    batch: np.ndarray,
    n_invoices: int,
    unapplied: np.ndarray,
    d_out: np.ndarray,
) -> pa.Array:
    """Free-text references: order numbers on invoices, bank labels quoting
    the invoice numbers on payments (sometimes nothing usable)."""
    n = len(lines["kind"])
    kind = lines["kind"]
    inv = lines["inv"]
    safe_inv = pa.array(np.where(inv >= 0, inv, 0))
    inv_num = pc.take(inv_docnum, safe_inv)

    # invoice numbers of each batch transfer, joined
    bi = np.flatnonzero(batch)
    order = bi[np.argsort(inv_group[bi], kind="stable")]
    gsorted = inv_group[order]
    NB = int(inv_group.max()) + 1 - n_invoices if len(bi) else 0
    counts = np.bincount(gsorted - n_invoices, minlength=max(NB, 0)) if len(bi) else np.zeros(0, np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    if len(bi):
        joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), pc.take(inv_docnum, pa.array(order))), " ")
        joined = pc.utf8_slice_codeunits(joined, 0, 62)
    else:
        joined = pa.array([], type=pa.string())
    is_bpay = (kind == _KIND_PAYMENT) & (inv < 0)
    bidx = np.where(is_bpay, lines["group"] - n_invoices, 0)
    if len(bi):
        inv_num = pc.if_else(pa.array(is_bpay), pc.take(joined, pa.array(np.clip(bidx, 0, max(NB - 1, 0)))), inv_num)

    bank = pc.take(pa.array(cust.bank_label, type=pa.string()), pa.array(acct_cust[lines["acct"]]))
    draws = rng.random((n, 3))
    # payments: template index
    tp = (draws[:, 0][:, None] > np.array([0.42, 0.57, 0.67, 0.75, 0.82, 0.90, 0.95])).sum(axis=1)
    # unapplied payments carry nothing that points to an invoice
    unap = unapplied[lines["group"]] & (kind == _KIND_PAYMENT)
    tp = np.where(unap, np.where(draws[:, 1] < 0.5, 5, np.where(draws[:, 1] < 0.8, 4, 6)), tp)
    p_prefix = pa.array(["VIR", "VIR SEPA", "REGLEMENT FACTURE", "LCR", "CHQ", "VIR SEPA", "",
                         "PRLV SEPA"], type=pa.string())
    p_bank = np.array([True, True, False, False, True, True, False, True])
    p_mid = pa.array(["", "FACT", "", "", "", "", "", ""], type=pa.string())
    p_inv = np.array([True, True, True, True, False, False, False, True])
    chq = _int_str(rng.integers(1_000_000, 9_999_999, size=n))
    pay_ref = pc.binary_join_element_wise(
        pc.take(p_prefix, pa.array(tp)),
        pc.if_else(pa.array(p_bank[tp]), bank, ""),
        pc.take(p_mid, pa.array(tp)),
        pc.if_else(pa.array(p_inv[tp]), inv_num, pc.if_else(pa.array(tp == 4), chq, "")),
        " ",
    )
    # invoices: the customer's order number
    cmd = _int_str(rng.integers(100_000, 999_999, size=n))
    yr = _int_str(lines["year"])
    ti = np.where(draws[:, 2] < 0.72, 0, np.where(draws[:, 2] < 0.87, 1, 2))
    inv_ref = pc.if_else(
        pa.array(ti == 0), pc.binary_join_element_wise("CMD", cmd, "-"),
        pc.if_else(pa.array(ti == 1),
                   pc.binary_join_element_wise(pc.binary_join_element_wise("BC", yr, " "),
                                               pc.utf8_slice_codeunits(cmd, 0, 4), "/"),
                   ""))
    # credit notes
    dout_line = np.where(inv >= 0, d_out[np.where(inv >= 0, inv, 0)], -1)
    cn_lab = pa.array(["Remise commerciale", "Avoir s/ facture", "Litige", "Annulation facture"],
                      type=pa.string())
    cl = np.where(dout_line == 1, 2, np.where(dout_line == 2, 3, np.where(draws[:, 1] < 0.5, 0, 1)))
    cn_ref = pc.binary_join_element_wise(pc.take(cn_lab, pa.array(cl)), inv_num, " ")
    od_ref = pc.binary_join_element_wise(
        pc.if_else(pa.array(draws[:, 1] < 0.5), "Écart de règlement", "ECART REGLT"), inv_num, " ")
    # a returned transfer quotes the payment it cancels (same group, the
    # first payment is flagged sub == 9)
    rej_pay = np.flatnonzero((kind == _KIND_PAYMENT) & (lines["sub"] == 9))
    pos = np.zeros(int(lines["group"].max()) + 1 if n else 1, dtype=np.int64)
    pos[lines["group"][rej_pay]] = rej_pay
    ret_src = np.where(kind == _KIND_RETURN, pos[lines["group"]], 0)
    ret_ref = pc.binary_join_element_wise(
        pc.if_else(pa.array(draws[:, 1] < 0.5), "REJET VIR", "IMPAYE"),
        pc.take(docnum, pa.array(ret_src)), " ")

    ref = pc.if_else(pa.array(kind == _KIND_INVOICE), inv_ref, pay_ref)
    ref = pc.if_else(pa.array(kind == _KIND_CN), cn_ref, ref)
    ref = pc.if_else(pa.array(kind == _KIND_OD), od_ref, ref)
    ref = pc.if_else(pa.array(kind == _KIND_RETURN), ret_ref, ref)
    ref = pc.utf8_trim(pc.replace_substring_regex(ref, " {2,}", " "), " ")
    return ref


def _dunning(
    rng: np.random.Generator, start: int, end: int, invoices: dict[str, np.ndarray], settle: np.ndarray,
    letter: np.ndarray, acc: _Accounts,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Weekly full pictures of the dunning tool, consistent with the ledger.

    An invoice enters the tool when it falls overdue (a week or so before
    for chronic-late payers, earlier when it is blocked or promised) and
    leaves it once lettered; paid but not lettered yet it shows as
    ``payment_received``. `settle` and `letter` are each invoice's settlement
    and lettering dates (_NEVER when it is never settled).
    """
    n_invoices, account, post, due, amount = (len(invoices["post"]), invoices["account"], invoices["post"],
                                              invoices["due"], invoices["amount"])
    cn_amt, cn_date, prof, dispute = (invoices["cn_amount"], invoices["cn_date"], invoices["profile"],
                                      invoices["dispute"])
    dispute_start, arbitration_after = invoices["dispute_start"], invoices["arbitration_after"]
    other_cause, cause_kind = invoices["other_cause"], invoices["cause_kind"]
    cause_start, cause_end, cause_not_dunned = (invoices["cause_start"], invoices["cause_end"],
                                                invoices["cause_not_dunned"])
    awaiting_cn, promised = invoices["awaiting_cn"], invoices["promised"]
    promise_start, promised_date = invoices["promise_start"], invoices["promised_date"]
    instalments, pay = invoices["instalments"], invoices["pay"]
    second, third = invoices["second_instalment"], invoices["third_instalment"]
    acct_collector, acct_comp, acct_cust = acc.collector, acc.company, acc.customer
    full_cn = invoices["dispute_outcome"] == 2
    first = start + (7 - int(_weekday(np.array([start]))[0])) % 7
    mondays = np.arange(first, end + 1, 7, dtype=np.int64)
    n_mondays = len(mondays)
    show = due + 1
    show = np.where(prof == _CHRONIC, due - _uniform_int(rng, 3, 10, n_invoices), show)
    show = np.where(dispute, np.minimum(show, dispute_start), show)
    show = np.where(other_cause, np.minimum(show, cause_start), show)
    show = np.where(promised, np.minimum(show, promise_start), show)
    show = np.where(instalments > 1, np.minimum(show, pay - 14), show)
    show = np.maximum(show, post)
    # an invoice paid before it ever reached the tool never shows
    visible = show <= settle
    last_day = np.minimum(letter - 1, end)
    # an invoice cancelled by a credit note leaves the tool at once
    last_day = np.where(full_cn, np.minimum(last_day, cn_date - 1), last_day)
    first_week = np.maximum(0, -((first - show) // 7))  # ceil((show - first) / 7)
    last_week = np.minimum(n_mondays - 1, (last_day - first) // 7)
    weeks_shown = np.where(visible & (n_mondays > 0), np.maximum(0, last_week - first_week + 1), 0)
    n_rows = int(weeks_shown.sum())
    row_invoice = np.repeat(np.arange(n_invoices), weeks_shown)
    offset = np.repeat(np.cumsum(weeks_shown) - weeks_shown, weeks_shown)
    week = first_week[row_invoice] + (np.arange(n_rows) - offset)
    monday = mondays[week] if n_rows else np.zeros(0, dtype=np.int64)

    days_past_due = monday - due[row_invoice]
    level = np.where(days_past_due <= 15, 1, np.where(days_past_due <= 45, 2, 3))
    status = np.full(n_rows, _ST_PROGRESS)
    cause = np.zeros(n_rows, dtype=np.int64)
    prom_d = np.full(n_rows, _NODATE)
    prom_amt = np.full(n_rows, -1, dtype=np.int64)
    cn_posted = cn_date[row_invoice] <= monday
    open_amt = amount[row_invoice] - np.where(cn_posted, cn_amt[row_invoice], 0)

    # instalment plans: the next instalment is promised
    row_instalments = instalments[row_invoice]
    next_due = np.where(pay[row_invoice] > monday, pay[row_invoice],
                        np.where(second[row_invoice] > monday, second[row_invoice], third[row_invoice]))
    next_index = np.where(pay[row_invoice] > monday, 0, np.where(second[row_invoice] > monday, 1, 2))
    part = (amount[row_invoice] // np.maximum(row_instalments, 1)) // 100 * 100
    inst_amt = np.where(next_index == row_instalments - 1, amount[row_invoice] - part * (row_instalments - 1), part)
    on_plan = (row_instalments > 1) & (monday >= pay[row_invoice] - 14) & (next_index < row_instalments)
    status = np.where(on_plan, _ST_PROMISED, status)
    prom_d = np.where(on_plan, next_due, prom_d)
    prom_amt = np.where(on_plan, inst_amt, prom_amt)

    # promises to pay (missed ones fall back to dunning a week later)
    promise_open = (promised[row_invoice] & (monday >= promise_start[row_invoice])
                    & (monday <= promised_date[row_invoice] + 7))
    status = np.where(promise_open, _ST_PROMISED, status)
    prom_d = np.where(promise_open, promised_date[row_invoice], prom_d)
    prom_amt = np.where(promise_open, open_amt, prom_amt)
    level = np.where(promised[row_invoice] & (monday > promised_date[row_invoice] + 7), 3, level)

    # credit note awaited before the customer pays
    awaiting = awaiting_cn[row_invoice] & ~cn_posted & (monday > due[row_invoice])
    cause = np.where(awaiting, _C_AWAIT_CN, cause)
    status = np.where(awaiting & cause_not_dunned[row_invoice], _ST_NOT, status)

    # other blocking causes while they last
    other_open = other_cause[row_invoice] & (monday >= cause_start[row_invoice]) & (monday < cause_end[row_invoice])
    cause = np.where(other_open, cause_kind[row_invoice], cause)
    status = np.where(other_open & cause_not_dunned[row_invoice], _ST_NOT, status)

    # disputes: dunning stops, arbitration is required after a few weeks
    disputed = dispute[row_invoice] & (monday >= dispute_start[row_invoice])
    cause = np.where(disputed, _C_DISPUTE, cause)
    status = np.where(disputed, np.where(monday >= dispute_start[row_invoice] + arbitration_after[row_invoice],
                                   _ST_ARBITRATION, _ST_PROGRESS), status)

    # paid, not lettered yet
    received = monday >= settle[row_invoice]
    status = np.where(received, _ST_RECEIVED, status)
    cause = np.where(received, _C_NONE, cause)
    prom_d = np.where(received, _NODATE, prom_d)
    prom_amt = np.where(received, -1, prom_amt)
    level = np.where(status == _ST_NOT, 0, level)

    acct = account[row_invoice]
    # the customer's collector; a few documents are followed by a colleague
    draws = rng.random((n_invoices, 3))
    ncol = len(_COLLECTORS)
    backup = (acct_collector[account] + 1 + (draws[:, 1] * (ncol - 1)).astype(np.int64)) % ncol
    collector = np.where(draws[:, 0] < 0.04, backup, acct_collector[account])[row_invoice]
    # reminders follow a cadence per document from its entry in the tool;
    # none after the payment has arrived
    step = (5 + np.floor(draws[:, 2] * 10)).astype(np.int64)[row_invoice]
    shown_from = show[row_invoice]
    m_eff = np.minimum(monday, settle[row_invoice] - 1)
    reminders = np.maximum(0, (m_eff - shown_from) // step)
    act = np.minimum(shown_from + reminders * step, monday)
    act_b = _prev_business(act)  # collectors work on business days
    act = np.where(act_b >= post[row_invoice], act_b, act)
    # email first, then phone, then registered letter (mise en demeure)
    action_draw = (draws[:, 1][row_invoice] * 7.0 + reminders * 0.6180339887) % 1.0
    act_type = np.where(level <= 1, np.where(action_draw < 0.75, 0, 3),
                        np.where(level == 2, np.where(action_draw < 0.5, 2, 0), np.where(action_draw < 0.6, 1, 2)))
    act_type = np.where(status == _ST_PROMISED, 2, act_type)

    comp = acct_comp[acct]
    order = np.lexsort((row_invoice, acct_cust[acct], comp, week))
    dun = dict(
        week=week, inv=row_invoice, comp=comp, cust=acct_cust[acct], status=status, level=level,
        cause=cause, collector=collector, prom_d=prom_d, prom_amt=prom_amt, act=act,
        act_type=act_type,
    )
    dun = {name: values[order] for name, values in dun.items()}
    return dun, mondays


# --------------------------------------------------------------------------
# CSV rendering
# --------------------------------------------------------------------------


class _Fmt:
    """Dialect-aware formatting of numpy columns into pyarrow strings."""

    def __init__(self, lo: int, hi: int):
        self.lo = lo
        self.hi = hi
        days = [date(1970, 1, 1) + timedelta(days=d) for d in range(lo, hi + 1)]
        self.dates = [
            pa.array([d.isoformat() for d in days] + [""], type=pa.string()),
            pa.array([d.strftime("%d/%m/%Y") for d in days] + [""], type=pa.string()),
            pa.array([d.strftime("%Y%m%d") for d in days] + [""], type=pa.string()),
        ]
        self.frac = pa.array([f"{i:02d}" for i in range(100)], type=pa.string())

    def date(self, d: np.ndarray, dialect: _Dialect) -> pa.Array:
        empty = (d == _NODATE) | (d >= _NEVER)
        idx = np.where(empty, self.hi - self.lo + 1, d - self.lo)
        if len(idx) and (idx.min() < 0 or idx.max() > self.hi - self.lo + 1):
            raise ValueError("date outside the formatting range")
        return pc.take(self.dates[dialect.date_format], pa.array(idx))

    def cents(self, c: np.ndarray, dialect: _Dialect, empty: np.ndarray | None = None) -> pa.Array:
        c = np.asarray(c, dtype=np.int64)
        a = np.abs(c)
        s = pc.binary_join_element_wise(_int_str(a // 100), pc.take(self.frac, pa.array(a % 100)),
                                         dialect.decimal)
        neg = c < 0
        if neg.any():
            s = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", s, ""), s)
        if empty is not None and empty.any():
            s = pc.if_else(pa.array(empty), "", s)
        return s


def _quote(arr: pa.Array, delimiter: str) -> pa.Array:
    """Standard CSV quoting, only where needed."""
    pattern = "[" + ("\\t" if delimiter == "\t" else delimiter) + '"\r\n]'
    need = pc.match_substring_regex(arr, pattern)
    if not pc.any(need).as_py():
        return arr
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(need, quoted, arr)


def _header_variant(name: str, r: float, r2: float) -> str:
    """Header spelled as exports do: ``Entry_ID``, `` posting_date ``, ``DEBIT``."""
    if r < 0.45:
        h = name
    elif r < 0.65:
        h = name.upper()
    elif r < 0.85:
        h = "_".join("ID" if p == "id" else p.capitalize() for p in name.split("_"))
    else:
        h = name.capitalize()
    if r2 < 0.15:
        h = f" {h} "
    elif r2 < 0.2:
        h = f"{h} "
    return h


def _write_csv(path: Path, headers: Sequence[str], cols: Sequence[pa.Array],
               dialect: _Dialect, eol: str) -> None:
    delim = dialect.delimiter
    text_head = delim.join(headers) + eol
    body = b""
    if len(cols) and len(cols[0]):
        rows = pc.binary_join_element_wise(*[_quote(c, delim) for c in cols], delim)
        rows = pc.binary_join_element_wise(rows, "", eol)
        if isinstance(rows, pa.ChunkedArray):
            rows = rows.combine_chunks()
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32, count=len(rows) + 1,
                                offset=rows.offset * 4)
        body = rows.buffers()[2].to_pybytes()[int(offsets[0]):int(offsets[-1])]
    if dialect.encoding == "cp1252":
        data = (text_head + body.decode("utf-8")).encode("cp1252")
    else:
        data = (b"\xef\xbb\xbf" if dialect.bom else b"") + text_head.encode("utf-8") + body
    path.write_bytes(data)


class _FilePlan:
    """Per-file presentation choices (dialect, header spelling, order, ...)."""

    def __init__(self, rng: np.random.Generator, dialect: _Dialect):
        self.rng = rng
        self.dialect = dialect
        p_crlf = 0.75 if dialect.encoding == "cp1252" else 0.3
        self.eol = "\r\n" if rng.random() < p_crlf else "\n"

    def layout(self, present: list[str], extras: list[str]) -> tuple[list[str], list[str]]:
        cols = present + extras
        perm = self.rng.permutation(len(cols))
        cols = [cols[i] for i in perm]
        r = self.rng.random((len(cols), 2))
        headers = [_header_variant(c, a, b) for c, (a, b) in zip(cols, r.tolist())]
        return cols, headers


def _dialect_cycle(rng: np.random.Generator, mode: str):
    if mode != "mixed":
        while True:
            yield DIALECTS[mode]
    off = int(rng.integers(0, 3))
    i = 0
    while True:
        yield DIALECTS[_DIALECT_ORDER[(off + i) % 3]]
        i += 1


def _clear(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.csv"):
        f.unlink()


def _write_landing(out_dir: Path, world: _World, mode: str, seed: int) -> GenerationStats:
    rng = np.random.default_rng([seed, 2])
    fmt = _Fmt(world.start - 400, world.end + 1200)
    for sub in ("ledger", "dunning", "customers"):
        _clear(out_dir / sub)
    n_cust = _write_customers(out_dir / "customers", world, fmt, rng, mode)
    ln, lf = _write_ledger(out_dir / "ledger", world, fmt, rng, mode)
    dn, df = _write_dunning(out_dir / "dunning", world, fmt, rng, mode)
    return GenerationStats(ledger_lines=ln, ledger_files=lf, dunning_rows=dn, dunning_files=df,
                           customers=n_cust, seconds=0.0)


def _write_customers(folder: Path, world: _World, fmt: _Fmt, rng: np.random.Generator,
                     mode: str) -> int:
    cust = world.cust
    n_rows = len(cust.code)
    dial = _dialect_cycle(rng, mode)

    def columns(idx: np.ndarray, dialect: _Dialect, comp_codes: list[str] | None,
                collector: np.ndarray, limit: np.ndarray, insured: np.ndarray,
                terms: np.ndarray) -> dict[str, pa.Array]:
        take = lambda vals: pc.take(pa.array(vals, type=pa.string()), pa.array(idx))  # noqa: E731
        out = {
            "customer_code": take(cust.code),
            "customer_name": take(cust.name),
            "customer_group": take(cust.group),
            "segment": pc.take(pa.array(list(SEGMENTS)), pa.array(cust.segment[idx])),
            "country": pc.take(pa.array(list(_COUNTRIES)), pa.array(cust.country[idx])),
            "collector": pc.take(pa.array(list(_COLLECTORS)), pa.array(collector)),
            "credit_limit": fmt.cents(limit, dialect),
            "insured_limit": fmt.cents(np.maximum(insured, 0), dialect, empty=insured < 0),
            "payment_terms_days": _int_str(terms),
            "registration_id": take(cust.registration),
            "city": take(cust.city),
        }
        if comp_codes is not None:
            out["company_code"] = pa.array(comp_codes, type=pa.string())
        return out

    # master rows valid for every company (no company_code column)
    idx = np.arange(n_rows)
    dialect = next(dial)
    plan = _FilePlan(rng, dialect)
    cols = columns(idx, dialect, None, cust.collector, cust.credit_limit, cust.insured_limit, cust.terms)
    names, headers = plan.layout([k for k in _CUSTOMER_COLUMNS if k in cols], ["city"])
    _write_csv(folder / "customers.csv", headers, [cols[k] for k in names], dialect, plan.eol)

    # company-specific rows (they win over the general ones)
    ov = world.overrides
    if ov:
        acc = np.array([o["acct"] for o in ov], dtype=np.int64)
        idx = world.acct_cust[acc]
        dialect = next(dial)
        plan = _FilePlan(rng, dialect)
        comp_codes = [world.companies[int(x)] for x in world.acct_comp[acc].tolist()]
        cols = columns(idx, dialect, comp_codes, np.array([o["collector"] for o in ov]),
                       np.array([o["limit"] for o in ov]), np.array([o["insured"] for o in ov]),
                       np.array([o["terms"] for o in ov]))
        names, headers = plan.layout([k for k in _CUSTOMER_COLUMNS if k in cols], [])
        suffix = "_".join(sorted(set(comp_codes)))
        _write_csv(folder / f"customers_{suffix}.csv", headers, [cols[k] for k in names], dialect,
                   plan.eol)
    return n_rows


def _write_ledger(folder: Path, world: _World, fmt: _Fmt, rng: np.random.Generator,
                  mode: str) -> tuple[int, int]:
    lines = world.lines
    n_rows = len(lines["post"])
    cust = world.cust
    dial = _dialect_cycle(rng, mode)

    # dialect-independent text columns
    cust_of = world.acct_cust[lines["acct"]]
    comp_arr = pa.array(list(world.companies), type=pa.string())
    company = pc.take(comp_arr, pa.array(lines["comp"]))
    seq_w = max(7, len(str(int(lines["seq"].max()) if n_rows else 0)))
    entry = pc.binary_join_element_wise(company, _int_str(lines["seq"], seq_w), "-")
    ccode = pc.take(pa.array(cust.code, type=pa.string()), pa.array(cust_of))
    cname = pc.take(pa.array(cust.name, type=pa.string()), pa.array(cust_of))
    currency = pc.take(pa.array(list(_CURRENCIES), type=pa.string()), pa.array(lines["cur"]))

    # raw document type: old ERP codes before the migration, new ones after,
    # other spellings from interfaces and manual entries
    months = _month_index(lines["post"])
    all_months = np.unique(months)
    migration = all_months[len(all_months) // 2] if len(all_months) else 0
    kind = lines["kind"]
    u = rng.random((n_rows, 2))
    codes: list[str] = list(_DOC_OLD) + list(_DOC_NEW)
    code_idx = np.where(months < migration, kind, len(_DOC_OLD) + kind)
    for kd in range(5):
        others = _DOC_OTHER[kd]
        b0 = len(codes)
        codes += list(others)
        sel = (kind == kd) & (u[:, 0] < 0.14)
        code_idx = np.where(sel, b0 + np.floor(u[:, 1] * len(others)).astype(np.int64), code_idx)
    doctype = pc.take(pa.array(codes, type=pa.string()), pa.array(code_idx))
    journal = pc.take(pa.array(["VT", "VT", "BQ", "OD", "BQ"]), pa.array(kind))
    comments = ["", "Relance téléphonique", "Voir litige; client injoignable",
                "Acompte à affecter", "Saisie manuelle", "Écart à justifier"]
    cm = np.where(u[:, 1] < 0.93, 0, 1 + np.floor(u[:, 0] * (len(comments) - 1)).astype(np.int64))
    comment = pc.take(pa.array(comments, type=pa.string()), pa.array(cm))

    amount = lines["amount"]
    err = world.errata

    # files: one per month, some split per company, re-deliveries after
    month_list = all_months.tolist()
    order = np.argsort(months, kind="stable")
    bounds = np.searchsorted(months[order], np.array(month_list + [np.iinfo(np.int64).max]))
    split_month = {m: (rng.random() < 0.2 and m not in world.redelivered_months) for m in month_list}
    files: list[tuple[str, np.ndarray, bool, bool]] = []  # name, rows, omit company, original
    main_code = world.companies[0]
    for j, m in enumerate(month_list):
        rows = order[bounds[j]:bounds[j + 1]]
        ym = str(np.datetime64(int(m), "M"))
        comp_rows = lines["comp"][rows]
        if split_month[m] and main_code == "FR01":
            r0 = rows[comp_rows == 0]
            r1 = rows[comp_rows != 0]
            files.append((f"ledger_{ym}.csv", r0, True, True))
            if len(r1):
                files.append((f"ledger_{ym}_{'_'.join(world.companies[1:])}.csv", r1, False, True))
        else:
            files.append((f"ledger_{ym}.csv", rows, False, True))
        if m in world.redelivered_months:
            files.append((f"ledger_{ym}_redelivery.csv", rows, False, False))

    total = 0
    for name, rows, omit_company, original in files:
        dialect = next(dial)
        plan = _FilePlan(rng, dialect)
        fr = plan.rng.random(6)
        amt = amount[rows]
        due = lines["due"][rows].copy()
        due_missing = lines["due_missing"][rows]
        ref = pc.take(world.line_reference, pa.array(rows))
        if original:
            # the first delivery of a re-delivered month carried errors
            ea = err["amount"][rows]
            amt = np.where(ea >= 0, ea, amt)
            due = np.where(err["due_flag"][rows], err["due"][rows], due)
            eref = err["ref"][rows]
            if eref.any():
                ref = pc.if_else(pa.array(eref), "", ref)
        due = np.where(due_missing, _NODATE, due)
        deb = amt > 0
        zero_style = int(fr[0] * 3)  # 0 empty, 1 "0.00", 2 mixed per row
        if zero_style == 0:
            blank = np.ones(len(rows), bool)
        elif zero_style == 1:
            blank = np.zeros(len(rows), bool)
        else:
            blank = plan.rng.random(len(rows)) < 0.5
        foreign = lines["cur"][rows] > 0
        cols = {
            "company_code": pc.take(company, pa.array(rows)),
            "entry_id": pc.take(entry, pa.array(rows)),
            "customer_code": pc.take(ccode, pa.array(rows)),
            "customer_name": pc.take(cname, pa.array(rows)),
            "document_number": pc.take(world.line_docnum, pa.array(rows)),
            "document_type": pc.take(doctype, pa.array(rows)),
            "posting_date": fmt.date(lines["post"][rows], dialect),
            "document_date": fmt.date(lines["doc"][rows], dialect),
            "due_date": fmt.date(due, dialect),
            "debit": fmt.cents(np.where(deb, amt, 0), dialect, empty=~deb & blank),
            "credit": fmt.cents(np.where(deb, 0, -amt), dialect, empty=deb & blank),
            "currency": pc.take(currency, pa.array(rows)),
            "amount_currency": fmt.cents(lines["amt_cur"][rows], dialect, empty=~foreign),
            "lettering_code": pc.take(world.line_letter_code, pa.array(rows)),
            "lettering_date": fmt.date(lines["letter"][rows], dialect),
            "reference": ref,
            "journal": pc.take(journal, pa.array(rows)),
            "comment": pc.take(comment, pa.array(rows)),
        }
        present = list(_LEDGER_COLUMNS)
        if omit_company:
            present.remove("company_code")
        if fr[1] < 0.25:
            present.remove("customer_name")
        if fr[2] < 0.2 and not foreign.any():
            present.remove("currency")
            present.remove("amount_currency")
        extras = []
        if fr[3] < 0.3:
            extras.append("journal")
        if fr[4] < 0.2:
            extras.append("comment")
        names, headers = plan.layout(present, extras)
        _write_csv(folder / name, headers, [cols[k] for k in names], dialect, plan.eol)
        if original:
            total += len(rows)
    return total, len(files)


def _write_dunning(folder: Path, world: _World, fmt: _Fmt, rng: np.random.Generator,
                   mode: str) -> tuple[int, int]:
    D = world.dun
    cust = world.cust
    dial = _dialect_cycle(rng, mode)
    M = len(world.mondays)
    bounds = np.searchsorted(D["week"], np.arange(M + 1))
    status_codes: list[str] = list(_STATUS)
    fr_index = []
    for variants in _STATUS_FR:
        fr_index.append((len(status_codes), len(variants)))
        status_codes += list(variants)
    cause_codes: list[str] = list(_CAUSES)
    cause_fr = []
    for variants in _CAUSES_FR:
        cause_fr.append((len(cause_codes), len(variants)))
        cause_codes += list(variants)
    st_arr = pa.array(status_codes, type=pa.string())
    ca_arr = pa.array(cause_codes, type=pa.string())
    st_start = np.array([s for s, _ in fr_index])
    st_len = np.array([k for _, k in fr_index])
    ca_start = np.array([s for s, _ in cause_fr])
    ca_len = np.array([k for _, k in cause_fr])

    comp_arr = pa.array(list(world.companies), type=pa.string())
    code_arr = pa.array(cust.code, type=pa.string())
    coll_arr = pa.array(list(_COLLECTORS), type=pa.string())
    act_arr = pa.array(list(_ACTIONS), type=pa.string())
    total = 0
    for j in range(M):
        rows = np.arange(bounds[j], bounds[j + 1])
        n_rows = len(rows)
        dialect = next(dial)
        plan = _FilePlan(rng, dialect)
        fr = plan.rng.random(5)
        ext = int(world.mondays[j])
        u = plan.rng.random((n_rows, 2))
        st = D["status"][rows]
        ca = D["cause"][rows]
        if fr[0] < 0.35:  # this extract uses the tool's technical codes
            st_idx, ca_idx = st, ca
        else:  # French labels with spelling variants
            st_idx = st_start[st] + np.floor(u[:, 0] * st_len[st]).astype(np.int64)
            ca_idx = ca_start[ca] + np.floor(u[:, 1] * ca_len[ca]).astype(np.int64)
        level = D["level"][rows]
        pd_ = D["prom_d"][rows]
        prom_amt = D["prom_amt"][rows]
        cols = {
            "extracted_at": fmt.date(np.full(n_rows, ext), dialect),
            "company_code": pc.take(comp_arr, pa.array(D["comp"][rows])),
            "customer_code": pc.take(code_arr, pa.array(D["cust"][rows])),
            "document_number": pc.take(world.inv_docnum, pa.array(D["inv"][rows])),
            "dunning_status": pc.take(st_arr, pa.array(st_idx)),
            "dunning_level": _int_str(level),
            "blocking_cause": pc.take(ca_arr, pa.array(ca_idx)),
            "collector": pc.take(coll_arr, pa.array(D["collector"][rows])),
            "promised_date": fmt.date(pd_, dialect),
            "promised_amount": fmt.cents(np.maximum(prom_amt, 0), dialect, empty=prom_amt < 0),
            "last_action_date": fmt.date(D["act"][rows], dialect),
            "last_action_type": pc.take(act_arr, pa.array(D["act_type"][rows])),
            "commentaire": pc.if_else(pa.array(u[:, 0] < 0.03), "Client relancé; en attente", ""),
        }
        present = list(_DUNNING_COLUMNS)
        if j % 2 == 1:  # half the extracts rely on the date in the file name
            present.remove("extracted_at")
        if fr[1] < 0.2:
            present.remove("last_action_date")
            present.remove("last_action_type")
        extras = ["commentaire"] if fr[2] < 0.25 else []
        names, headers = plan.layout(present, extras)
        ymd = date.fromordinal(date(1970, 1, 1).toordinal() + ext).isoformat()
        _write_csv(folder / f"dunning_{ymd}.csv", headers, [cols[k] for k in names], dialect, plan.eol)
        total += n_rows
    return total, M


if __name__ == "__main__":
    raise SystemExit(main())
