"""`casedocs bench web`: the web service under load, as `make demo` serves it (issue 10).

1. Setup, as a user does it, in a fresh data directory: `casedocs demo` (with its paperwork, as
   `make demo` runs it, so the case page lists every document; without it under --quick),
   `casedocs user demo` (the officer and its TOTP key) and `casedocs user token` (the API's token).
2. `casedocs serve --demo` (gunicorn, its default workers unless --workers/--threads say otherwise)
   on a free loopback port in a subprocess; the bench signs in once through the real forms
   (password, then the TOTP code computed with pyotp from the key) and every client sends that
   session's cookie.
3. Each page in turn, under CLIENTS concurrent clients (threads, each with its own keep-alive
   connection), each sending its next request as soon as the last is answered: the console's
   dashboard, the sample case's page, the API's read of the same case (bearer token), and the public
   register's list and the sample's register page (no sign-in needed; issue 13). Two
   requests per client go first, uncounted. Figures: p50, p95 and the slowest latency, throughput,
   errors (any answer but 200, or no answer), and the CPU the server's processes and the clients
   used per request (the machine may be shared: CPU per request moves less than latency).
   With the paperwork, last: `POST /api/v1/verify` of the sample's sealed, co-signed agreement, each
   request from another visitor's address (as the reverse proxy passes it on; the server believes one
   hop): many readers verifying one published instrument. The first verification of a file costs
   pyHanko's work; later ones of the same bytes are answered from what was kept (web.public.verify).
4. Where the time goes, in this process (one request at a time, after a warm-up, CPU time): the
   queries each page issues (counted with a SQLAlchemy event), the view (services, ORM and DB)
   and, inside it, the database's execute calls and the template rendering (Flask's template
   signals), and the rest (Flask: session, sign-in, access rule); and argon2 at login
   (`accounts.authenticate`, which verifies the password), apart from the pages.

With 20 clients and no pause between requests, a page's mean latency is about 20 × its CPU time
per request ÷ the cores the server gets (Little's law): p95 ≤ 100 ms on 2 cores needs ≤ ~8 ms of
CPU per request. Timings are printed, never asserted: the machine decides. Everything runs on
127.0.0.1 and is bounded in requests and in seconds.
"""
from __future__ import annotations

import http.client
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pyotp

from casedocs.bench import _cpu_of
from casedocs.commands.users import DEMO_ACCOUNTS, DEMO_PASSWORD
from casedocs.config import PASSPHRASE_ENV
from casedocs.demo_signing import DEMO_SECRETARIAT_PASSPHRASE

Echo = Callable[[str], None]
CLIENTS = 20
HOST = "127.0.0.1"
OFFICER = DEMO_ACCOUNTS[0][0]
# What a browser of the mechanism's officers sends; the page's language follows it (web.i18n).
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_KEY = re.compile(r"^\s*key: ([A-Z2-7]+)\s*$", re.MULTILINE)
_SAMPLE = re.compile(r"^(\S+) — sample case", re.MULTILINE)


class BenchError(RuntimeError):
    """A step of the bench failed; the message names it."""


@dataclass(frozen=True)
class Plan:
    """How much to measure: requests per page (after the warm-up) and a time limit per page."""

    requests: int
    seconds: float
    paperwork: bool  # the demo's documents too (`make demo`), else its cases only
    profile_rounds: int

    @classmethod
    def of(cls, quick: bool) -> "Plan":
        return cls(40, 10.0, False, 2) if quick else cls(1000, 30.0, True, 10)


@dataclass(frozen=True)
class Setup:
    data_dir: Path
    case_number: str
    totp_secret: str
    token: str
    agreement: bytes | None = None  # the sample's sealed, co-signed agreement (with the paperwork)


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    api: bool = False  # sends the bearer token instead of the session cookie
    body: bytes | None = None  # POSTed (multipart/form-data) when given
    content_type: str = ""
    # Each request from another visitor's address, as the service's reverse proxy passes it on
    # (X-Forwarded-For, believed for one hop): what many readers verifying one published instrument
    # look like; from one address the limit per address would answer 429 after ten.
    many_visitors: bool = False

    @property
    def method(self) -> str:
        return "GET" if self.body is None else "POST"


@dataclass
class Result:
    page: Page
    latencies: list[float] = field(default_factory=list)  # seconds, answered with 200
    errors: int = 0
    first_error: str = ""
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds of the server's processes while the page was measured
    client_cpu: float = 0.0  # and of this process (the clients)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)]

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def cpu_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.requests if self.requests else float("nan")


def pages(case_number: str, agreement: bytes | None = None) -> list[Page]:
    quoted = urllib.parse.quote(case_number)
    found = [Page("console dashboard", "/console/"), Page("console case page", f"/console/cases/{quoted}"),
             Page("API case read", f"/api/v1/cases/{quoted}", api=True),
             Page("register list", "/register", many_visitors=True),
             Page("register case page", f"/register/{quoted}", many_visitors=True)]
    if agreement is not None:
        body, content_type = multipart_file("file", "agreement.pdf", agreement)
        found.append(Page("verify the agreement", "/api/v1/verify", body=body, content_type=content_type,
                          many_visitors=True))
    return found


def multipart_file(field: str, name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body holding one file, and its Content-Type."""
    boundary = "casedocs-bench-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def visitor(number: int) -> str:
    """The address of the bench's `number`th visitor (documentation range 198.18.0.0/15)."""
    return f"198.18.{(number // 250) % 250}.{number % 250 + 1}"


# -- setup and server ---------------------------------------------------------------------------

def _casedocs(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> str:
    """Run the casedocs command line in a child process (this interpreter), its output or BenchError."""
    command = [sys.executable, "-c", "from casedocs.cli import main; main()", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, **env} if env else None)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"casedocs {args[0]} {args[1] if len(args) > 1 else ''} failed: {last}")
    return done.stdout


def prepare(data_dir: Path, plan: Plan, echo: Echo) -> Setup:
    """The demo's cases, accounts and an API token in `data_dir` (which must be new)."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BenchError(f"{data_dir} is not empty: the bench makes its own demo data directory")
    started = time.perf_counter()
    out = ["--out", str(data_dir.parent / f"{data_dir.name}-paperwork")] if plan.paperwork else []
    demo = _casedocs("demo", "--data", str(data_dir), *out)
    sample = _SAMPLE.search(demo)
    if sample is not None and not plan.paperwork:
        # The public register lists a case once its case summary is issued for the public audience (issue 13);
        # without the paperwork the bench issues that one document under the seal.
        sealing = {PASSPHRASE_ENV: DEMO_SECRETARIAT_PASSPHRASE}
        _casedocs("init", "--data", str(data_dir), env=sealing)
        _casedocs("issue", sample.group(1), "case_summary", "--lang", "zh", "--audience", "public", "--data",
                  str(data_dir), env=sealing)
    accounts = _casedocs("user", "demo", "--data", str(data_dir))
    key = _KEY.search(accounts)
    if sample is None or key is None:
        raise BenchError("the demo did not print its sample case and the officer's key")
    token = _casedocs("user", "token", OFFICER, "--data", str(data_dir)).strip().splitlines()[-1]
    echo(f"setup: demo {'with its paperwork ' if plan.paperwork else ''}and accounts in "
         f"{time.perf_counter() - started:.0f} s; sample case {sample.group(1)}")
    agreement = data_dir.parent / f"{data_dir.name}-paperwork" / sample.group(1) / "signed" / "zh" / "agreement.pdf"
    return Setup(data_dir, sample.group(1), key.group(1), token,
                 agreement.read_bytes() if plan.paperwork and agreement.is_file() else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's arbiter; its workers are its children

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by the arbiter and its live workers (Linux /proc)."""
        return _cpu_of([self.pid, *_children(self.pid)])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@contextmanager
def server(setup: Setup, workers: int, threads: int, log: Path) -> Iterator[Server]:
    """`casedocs serve --demo` on a free loopback port until the block ends."""
    port = free_port()
    command = [sys.executable, "-c", "from casedocs.cli import main; main()", "serve", "--demo",
               "--data", str(setup.data_dir), "--host", HOST, "--port", str(port), "--workers", str(workers),
               "--threads", str(threads)]
    # Behind one reverse proxy, as the service runs (its X-Forwarded-For believed): the bench's
    # visitors to the public pages each come from their own address (Page.many_visitors).
    environment = {**os.environ, "CASEDOCS_PROXY_HOPS": "1"}
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
                raise BenchError(f"casedocs serve did not answer /healthz: {tail[0]}")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


# -- signing in ---------------------------------------------------------------------------------

class Browser:
    """Just enough of a browser to sign in: one connection, cookies kept, forms with their CSRF token."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie_header()}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for raw in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def post_form(self, path: str, form: dict[str, str]) -> tuple[int, str, str]:
        _, _, page = self.send("GET", path)
        token = _CSRF.search(page)
        if token is None:
            raise BenchError(f"no csrf_token on {path}")
        return self.send("POST", path, {**form, "csrf_token": token.group(1)})


def sign_in(port: int, setup: Setup) -> tuple[str, float]:
    """The officer's session cookie, through /login and /login/code; and the seconds the password step
    took (argon2 verification included), as seen by a client."""
    browser = Browser(port)
    browser.send("GET", "/login")
    started = time.perf_counter()
    status, location, _ = browser.post_form("/login", {"email": OFFICER, "password": DEMO_PASSWORD})
    password_step = time.perf_counter() - started
    if status != 302 or "/login/code" not in location:
        raise BenchError(f"the officer's password was not accepted (HTTP {status})")
    status, location, _ = browser.post_form("/login/code", {"code": pyotp.TOTP(setup.totp_secret).now()})
    if status != 302 or "/login" in location:
        raise BenchError(f"the officer's TOTP code was not accepted (HTTP {status})")
    return browser.cookie_header(), password_step


# -- load -----------------------------------------------------------------------------------------

class _Client:
    """One keep-alive connection; a request is retried once when the server had closed an idle connection."""

    def __init__(self, port: int, headers: dict[str, str], number: int = 0) -> None:
        self.port, self.headers, self.number = port, headers, number  # number: whose visitor addresses
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.sent = 0

    def send(self, page: Page) -> int:
        headers = dict(self.headers)
        if page.body is not None:
            headers["Content-Type"] = page.content_type
        if page.many_visitors:
            self.sent += 1
            headers["X-Forwarded-For"] = visitor(self.number * 100_000 + self.sent)
        for attempt in (1, 2):
            try:
                self.connection.request(page.method, page.path, body=page.body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def load(server: Server, page: Page, headers: dict[str, str], plan: Plan, clients: int = CLIENTS) -> Result:
    """`plan.requests` GETs of the page (at most `plan.seconds`) from `clients` threads, each sending
    its next request when the last is answered, after two uncounted ones per client."""
    port = server.port
    result = Result(page)
    lock = threading.Lock()
    remaining = [plan.requests]
    ready = threading.Barrier(clients + 1)
    deadline = [0.0]

    def work(number: int) -> None:
        client = _Client(port, headers, number)
        try:
            for _ in range(2):  # warm-up: connections open, every worker has served the page
                _one(client, None)
            ready.wait()
            ready.wait()
            while time.monotonic() < deadline[0]:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                _one(client, result)
        finally:
            client.close()

    def _one(client: _Client, into: Result | None) -> None:
        started = time.perf_counter()
        try:
            status, problem = client.send(page), ""
        except (OSError, http.client.HTTPException) as error:
            status, problem = 0, f"{type(error).__name__}: {error}"
        elapsed = time.perf_counter() - started
        if into is None:
            return
        with lock:
            if status == 200:
                into.latencies.append(elapsed)
            else:
                into.errors += 1
                into.first_error = into.first_error or problem or f"HTTP {status}"

    threads = [threading.Thread(target=work, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()  # every client warmed up
    deadline[0] = time.monotonic() + plan.seconds
    server_cpu, client_cpu, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.server_cpu, result.client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    return result


def report(results: Sequence[Result], echo: Echo) -> None:
    echo(f"  {'':<20} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'req/s':>7} "
         f"{'server CPU ms/req':>17} {'client':>6}")
    for r in results:
        slowest = 1000 * max(r.latencies) if r.latencies else float("nan")
        echo(f"  {r.page.label:<20} {r.requests:>8} {r.errors:>6} {r.percentile(50):7.1f} "
             f"{r.percentile(95):7.1f} {slowest:7.1f} {r.throughput:7.1f} {r.cpu_ms(r.server_cpu):17.1f} "
             f"{r.cpu_ms(r.client_cpu):6.1f}")
        if r.first_error:
            echo(f"    first error: {r.first_error}")


# -- the whole run --------------------------------------------------------------------------------

def run(echo: Echo, data_dir: Path | None = None, *, quick: bool = False, workers: int | None = None,
        threads: int = 1) -> None:
    """The whole bench (module docstring); `workers` and `threads` as `casedocs serve` takes them (its
    defaults when None)."""
    from casedocs.bench_web_breakdown import breakdown, report_breakdown
    from web.serve import DEFAULT_WORKERS

    plan = Plan.of(quick)
    workers = workers or DEFAULT_WORKERS
    with tempfile.TemporaryDirectory(prefix="casedocs-bench-web-") as tmp:
        setup = prepare(data_dir or Path(tmp) / "data", plan, echo)
        with server(setup, workers, threads, Path(tmp) / "serve.log") as running:
            cookie, password_step = sign_in(running.port, setup)
            kind = "sync workers" if threads == 1 else f"gthread workers of {threads} threads"
            echo(f"server: casedocs serve (gunicorn, {workers} {kind}) on http://{HOST}:{running.port}/; "
                 f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work on the machine "
                 f"slows every figure); {CLIENTS} concurrent clients, keep-alive, each sending its next request "
                 f"when answered; up to {plan.requests} requests or {plan.seconds:.0f} s per page after a warm-up")
            results = []
            for page in pages(setup.case_number, setup.agreement):
                auth = {"Authorization": f"Bearer {setup.token}"} if page.api else {"Cookie": cookie}
                results.append(load(running, page, {**auth, "Accept-Language": ACCEPT_LANGUAGE}, plan))
        report(results, echo)
        rows, argon2 = breakdown(setup, cookie, plan)
    report_breakdown(rows, argon2, password_step, echo)
