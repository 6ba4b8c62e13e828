"""Run the receivables dashboard in Apache Superset: start, import, stop.

    python dashboard/superset_ctl.py start     # initialise (first time), start on 127.0.0.1, import
    python dashboard/superset_ctl.py import    # re-import the assets into the running Superset
    python dashboard/superset_ctl.py stop
    python dashboard/superset_ctl.py status
    python dashboard/superset_ctl.py bundle --out DIR   # write the import bundle as YAML
    python dashboard/superset_ctl.py screenshot --out docs/dashboard.png   # of the running one

Runs with the Python of Superset's own virtual environment (`make dashboard` creates it from
dashboard/requirements.lock). Settings, all optional, from the environment:

    AR_DUCKDB_PATH            the published warehouse (default warehouse/ar.duckdb)
    ARW_SUPERSET_STATE_DIR    metadata DB, secret key, password, log, pid (default build/superset)
    ARW_SUPERSET_PORT         port on 127.0.0.1 (default 8088)
    ARW_SUPERSET_USER / ARW_SUPERSET_PASSWORD   the login (default admin / generated)
    SUPERSET_SECRET_KEY       Flask secret key (default: generated at first start, kept in the
                              state folder, never committed)
"""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import requests
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import assets  # noqa: E402

HOST = "127.0.0.1"  # never anything else: the dashboard is served on loopback only


@dataclass
class Instance:
    state_dir: Path
    port: int
    warehouse: Path
    user: str

    @classmethod
    def from_env(cls, **overrides) -> "Instance":
        state = Path(os.environ.get("ARW_SUPERSET_STATE_DIR") or ROOT / "build" / "superset")
        warehouse = Path(os.environ.get("AR_DUCKDB_PATH") or ROOT / "warehouse" / "ar.duckdb")
        inst = cls(state_dir=state.resolve(), port=int(os.environ.get("ARW_SUPERSET_PORT", "8088")),
                   warehouse=warehouse.resolve(), user=os.environ.get("ARW_SUPERSET_USER", "admin"))
        for key, value in overrides.items():
            if value is not None:
                setattr(inst, key, value)
        return inst

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def dashboard_url(self) -> str:
        return self.board_url(assets.DASHBOARD_SLUG)

    def board_url(self, slug: str) -> str:
        return f"{self.url}/superset/dashboard/{slug}/"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "superset.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "superset.log"

    def _secret(self, env: str, file_name: str, nbytes: int) -> str:
        if os.environ.get(env):
            return os.environ[env]
        path = self.state_dir / file_name
        if not path.exists():
            self.state_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(nbytes))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def secret_key(self) -> str:
        return self._secret("SUPERSET_SECRET_KEY", "secret_key", 48)

    @property
    def password(self) -> str:
        return self._secret("ARW_SUPERSET_PASSWORD", "admin_password", 12)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"),
            "ARW_SUPERSET_STATE_DIR": str(self.state_dir),
            "SUPERSET_SECRET_KEY": self.secret_key,
            "FLASK_APP": "superset.app:create_app()",
            "SUPERSET_LOAD_EXAMPLES": "no",
            "PYTHONUNBUFFERED": "1",
        })
        return env

    # ---- processes -----------------------------------------------------------------------

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def initialise(self) -> None:
        """Metadata DB, admin user, roles: once per state folder and Superset version."""
        import importlib.metadata
        version = importlib.metadata.version("apache-superset")
        marker = self.state_dir / f".initialised-{version}"
        if marker.exists():
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        bin_dir = Path(sys.executable).parent
        superset = str(bin_dir / "superset")
        t0 = time.perf_counter()
        with self.log_file.open("a") as log:
            for args in (["db", "upgrade"],
                         ["fab", "create-admin", "--username", self.user, "--firstname", "Credit",
                          "--lastname", "Manager", "--email", f"{self.user}@localhost.invalid",
                          "--password", self.password],
                         ["init"]):
                subprocess.run([superset, *args], env=self.env(), check=True, stdout=log,
                               stderr=subprocess.STDOUT, cwd=self.state_dir)
        marker.touch()
        print(f"initialised the Superset metadata DB in {time.perf_counter() - t0:.0f} s")

    def start(self, timeout: float = 180) -> None:
        if self.pid() and self.healthy():
            print(f"Superset already running (pid {self.pid()})")
            return
        if self.healthy():
            raise SystemExit(f"something else answers on {self.url}; set ARW_SUPERSET_PORT")
        self.initialise()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        log = self.log_file.open("a")
        proc = subprocess.Popen(
            [gunicorn, "--bind", f"{HOST}:{self.port}", "--workers", "1", "--worker-class",
             "gthread", "--threads", "8", "--timeout", "120", "--limit-request-line", "0",
             "--limit-request-field_size", "0", "superset.app:create_app()"],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self.state_dir, start_new_session=True)  # own process group: stop kills it all
        self.pid_file.write_text(str(proc.pid))
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"Superset exited with {proc.returncode}; see {self.log_file}")
            if self.healthy():
                print(f"Superset started in {time.perf_counter() - t0:.0f} s (pid {proc.pid})")
                return
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"Superset did not answer within {timeout:.0f} s; see {self.log_file}")

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            print("Superset is not running")
            self.pid_file.unlink(missing_ok=True)
            return
        os.killpg(pid, signal.SIGTERM)
        for _ in range(60):
            time.sleep(0.25)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
        else:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        print(f"Superset stopped (pid {pid})")

    # ---- API -----------------------------------------------------------------------------

    def api(self) -> requests.Session:
        """A session logged in with a JWT and a CSRF token, for the REST API."""
        s = requests.Session()
        r = s.post(f"{self.url}/api/v1/security/login", timeout=30,
                   json={"username": self.user, "password": self.password, "provider": "db",
                         "refresh": True})
        if r.status_code == 401:
            raise SystemExit(
                f"Superset refused the login of {self.user!r}: the password (ARW_SUPERSET_PASSWORD, "
                f"else {self.state_dir / 'admin_password'}) is not the one the metadata DB was "
                "initialised with; reset it with `superset fab reset-password`, or start afresh "
                "by deleting the state folder")
        r.raise_for_status()
        s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = s.get(f"{self.url}/api/v1/security/csrf_token/", timeout=30)
        r.raise_for_status()
        s.headers.update({"X-CSRFToken": r.json()["result"], "Referer": self.url})
        return s

    def web_session_cookie(self) -> str:
        """Log in through the login form; the `session` cookie a browser would hold."""
        s = requests.Session()
        page = s.get(f"{self.url}/login/", timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page, re.S).group(1)
        r = s.post(f"{self.url}/login/", timeout=30, allow_redirects=False,
                   data={"username": self.user, "password": self.password, "csrf_token": token})
        me = s.get(f"{self.url}/api/v1/me/", timeout=30)  # a refused login redirects too
        if r.status_code not in (302, 303) or me.status_code != 200:
            raise RuntimeError(f"the login form refused {self.user!r} ({r.status_code}, {me.status_code})")
        return s.cookies["session"]

    def bundle(self) -> dict[str, str]:
        return make_bundle(self.warehouse)

    def import_assets(self) -> int:
        """Import (overwrite) database, datasets, charts, dashboard; return the dashboard id."""
        if not self.warehouse.exists():
            raise SystemExit(f"no warehouse at {self.warehouse}: run `make demo` first "
                             "(or set AR_DUCKDB_PATH)")
        files = self.bundle()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for path, text in files.items():
                zf.writestr(f"ar_warehouse/{path}", text)
        s = self.api()
        r = s.post(f"{self.url}/api/v1/assets/import/", timeout=300,
                   files={"bundle": ("ar_warehouse.zip", buf.getvalue(), "application/zip")},
                   data={"passwords": "{}", "overwrite": "true"})
        if r.status_code != 200:
            raise SystemExit(f"import failed ({r.status_code}): {r.text[:2000]}")
        r = s.get(f"{self.url}/api/v1/dashboard/{assets.DASHBOARD_SLUG}", timeout=30)
        r.raise_for_status()
        return r.json()["result"]["id"]


def read_dims_from(warehouse: Path) -> assets.Dims:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return assets.read_dims(con)
    finally:
        con.close()


def mart_descriptions() -> dict[str, dict[str, str]]:
    """Column descriptions (English) of the marts, from the dbt properties files."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "models" / "marts").rglob("_*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in doc.get("models", []):
            out[model["name"]] = {
                c["name"]: " ".join(str(c["description"]).split())
                for c in model.get("columns", [])
                if c.get("description") and "{{" not in str(c["description"])}
    return out


def make_bundle(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        dims = assets.read_dims(con)
        columns = {}
        for key, ds in assets.datasets(dims).items():
            cur = con.execute(f"describe select * from {ds.relation} as t")
            columns[key] = [(r[0], r[1]) for r in cur.fetchall()]
    finally:
        con.close()
    return assets.build_bundle(str(warehouse), dims, columns, mart_descriptions())


def screenshot(inst: Instance, out: Path) -> int:
    """The whole dashboard in headless Chromium, as a 256-colour PNG (small enough for docs/)."""
    import browser
    from PIL import Image

    raw = out.with_name(out.stem + ".raw.png")
    main = [c for c in assets.charts(read_dims_from(inst.warehouse)) if c.board == "encours"]
    report = browser.open_dashboard(inst.dashboard_url, inst.web_session_cookie(), raw,
                                    expected_charts=len(main))
    problems = report.problems + [f"{c['name']}: {c['error']}" for c in report.charts if c["error"]]
    image = Image.open(raw).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE) \
        .save(out, optimize=True)
    raw.unlink()
    print(f"screenshot {out} ({image.width} x {image.height})")
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["start", "import", "stop", "status", "bundle", "screenshot"])
    ap.add_argument("--out", type=Path, help="bundle: folder for the YAML files; screenshot: PNG file")
    args = ap.parse_args(argv)
    inst = Instance.from_env()
    if args.command == "stop":
        inst.stop()
        return 0
    if args.command == "status":
        pid = inst.pid()
        print(f"running (pid {pid}) on {inst.url}" if pid and inst.healthy() else "not running")
        return 0 if pid else 1
    if args.command == "bundle":
        out = args.out or ROOT / "build" / "superset-bundle"
        for path, text in inst.bundle().items():
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(text, encoding="utf-8")
        print(f"bundle written to {out}")
        return 0
    if args.command == "screenshot":
        return screenshot(inst, args.out or ROOT / "build" / "dashboard.png")
    if args.command == "start":
        inst.start()
    t0 = time.perf_counter()
    inst.import_assets()
    print(f"assets imported in {time.perf_counter() - t0:.0f} s (warehouse {inst.warehouse}, read-only)")
    built = assets.boards(assets.charts(read_dims_from(inst.warehouse)))
    urls = "\n           ".join(f"{inst.board_url(b.slug)}  ({b.title})" for b in built)
    print(f"\nDashboard: {urls}\nLogin:     {inst.user} / {inst.password}\n"
          f"Stop it:   make dashboard-stop")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
