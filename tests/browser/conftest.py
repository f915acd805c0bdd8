"""Real-browser test infrastructure: JupyterLab, headless Chromium and the notebook's own kernel.

Every test here drives Debian's Chromium (``/usr/bin/chromium``, installed by ``make chromium``)
through Playwright against a JupyterLab server started once per session, sandboxed in a
temporary folder (HOME, Jupyter config, data and runtime folders), with news and update checks
off. Tests are skipped with a reason when Chromium is absent, except when the environment
variable ``CI`` is set (``.ci/run``): there a missing Chromium fails them.

Fixtures (see each docstring)
-----------------------------
``jupyter_lab``       session: the server (``.url``, ``.root_dir``, ``.write_notebook(...)``).
``chromium_browser``  session: a Playwright ``Browser`` on Debian's Chromium.
``lab_page``          function: a fresh ``Page`` (new context, downloads accepted); its kernels
                      are shut down after the test.
``page_requests``     function: every request the page made (``.outside_localhost()``).
``run_notebook``      function: write cells to a notebook, open it in Lab, run all, wait idle;
                      returns a ``LabNotebook`` whose ``.kernel`` runs code in the page's kernel.
``screenshot_path``   function: where to save a screenshot (docs/img with
                      JAZZWIDGET_SCREENSHOTS=1, else a temporary folder).
``chromium_check``    function: ``require_chromium(path, environ)``, the skip-or-fail rule.
``wait_for``          function: ``wait_until(predicate, timeout, message)``, polling a
                      condition (never a fixed sleep).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 120.0
NOTEBOOK_TIMEOUT = 180.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, message: str = "condition",
               interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; return that, or fail after
    ``timeout`` seconds with ``message``.

    Example: ``wait_until(lambda: nb.kernel.eval("player.position") > 1, 20, "position moves")``
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # keep polling: the condition may not be readable yet
            last_error = error
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message}{detail}")
        time.sleep(interval)


# --------------------------------------------------------------------------- server
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class JupyterLabServer:
    """A running JupyterLab server without a token.

    Attributes
    ----------
    url : base URL, e.g. ``http://127.0.0.1:8890``.
    root_dir : the folder the server serves; notebooks are written there.
    runtime_dir : JUPYTER_RUNTIME_DIR of the server (kernel connection files).
    env : the environment the server (and so its kernels) runs with.
    log : the server's log file.
    """

    url: str
    root_dir: Path
    runtime_dir: Path
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        """Call the server's REST API (``api("/api/sessions")``); the decoded JSON or None."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def write_notebook(self, name: str, cells: list[str] | Path) -> Path:
        """Write a notebook of code cells (their sources), or copy a notebook file, into
        ``root_dir``; returns its path."""
        if isinstance(cells, Path):
            notebook = nbformat.read(cells, as_version=4)
        else:
            notebook = nbformat.v4.new_notebook()
            notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        path = self.root_dir / name
        nbformat.write(notebook, path)
        return path

    def connection_file(self, notebook: str) -> Path:
        """The kernel connection file of the session running ``notebook`` (a path in root)."""
        for session in self.api("/api/sessions"):
            if session.get("path") == notebook and session.get("kernel"):
                return self.runtime_dir / f"kernel-{session['kernel']['id']}.json"
        raise LookupError(f"no kernel session for {notebook!r}")

    def shutdown_sessions(self) -> None:
        """Shut down every kernel session (called after each test by ``lab_page``)."""
        for session in self.api("/api/sessions"):
            with contextlib.suppress(urllib.error.URLError):
                self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _lab_config() -> dict:
    never = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
    return {
        "LabApp": {"news_url": None, "check_for_updates_class": never,
                   "expose_app_in_browser": True, "extension_manager": "readonly"},
        "ServerApp": {"open_browser": False, "terminals_enabled": False},
    }


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLabServer]:
    """A JupyterLab server for the whole session (no token, news and update checks off, HOME
    and Jupyter folders in a temporary sandbox, TF_CPP_MIN_LOG_LEVEL=2, the repository on the
    kernels' PYTHONPATH). Waits (up to 120 s) until ``/api/status`` answers.

    Example: ``path = jupyter_lab.write_notebook("a.ipynb", ["print(1)"])``
    """
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip(f"JupyterLab is not installed beside {sys.executable}: run `make venv`")
    base = tmp_path_factory.mktemp("jupyter")
    dirs = {name: base / name for name in ("home", "config", "data", "runtime", "ipython",
                                           "root")}
    for folder in dirs.values():
        folder.mkdir()
    config = _lab_config()
    for name in ("jupyter_server_config.json", "jupyter_lab_config.json"):
        (dirs["config"] / name).write_text(json.dumps(config))
    (dirs["config"] / "labconfig").mkdir()
    (dirs["config"] / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = {
        **os.environ,
        "HOME": str(dirs["home"]),
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "JUPYTER_PLATFORM_DIRS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "JAZZWIDGET_EPOCHS": "3",  # the demo notebooks train this many epochs under test
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep),
    }
    env.pop("JUPYTER_PATH", None)
    port = _free_port()
    log = base / "server.log"
    server = JupyterLabServer(f"http://127.0.0.1:{port}", dirs["root"], dirs["runtime"], env, log)
    with log.open("wb") as log_handle:
        server.process = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", "--IdentityProvider.token=",
             "--ServerApp.password=", f"--port={port}", "--ServerApp.port_retries=0",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={dirs['root']}",
             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
            cwd=dirs["root"], env=env, stdout=log_handle, stderr=subprocess.STDOUT)
    try:
        def answers_or_exited() -> bool:
            if server.process.poll() is not None:
                return True
            server.api("/api/status")  # raises until the server answers
            return True

        wait_until(answers_or_exited, SERVER_START_TIMEOUT,
                   f"jupyter lab to answer on port {port}", 0.25)
        if server.process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited at start:\n{server.log_tail()}")
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


# --------------------------------------------------------------------------- browser
def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether these tests run in CI: the variable ``CI`` is set (``CI=true``; "", "0" and
    "false" read as not set)."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium(path: Path = CHROMIUM, environ: Mapping[str, str] = os.environ) -> None:
    """Return when the browser at ``path`` exists; otherwise skip the test with the reason, or,
    in CI (`in_ci`), fail it: a CI run must not pass by skipping every browser test."""
    if path.exists():
        return
    reason = f"Chromium is not installed at {path}: run `make chromium`"
    if in_ci(environ):
        pytest.fail(f"{reason} (CI is set: the browser tests must run there, not skip)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """A headless Playwright ``Browser`` on Debian's Chromium with the platform's flags (no
    sandbox, no GPU, no background networking). When /usr/bin/chromium is absent it skips,
    except under CI (the environment variable ``CI`` set, as ``.ci/run`` runs): there it fails.

    Example: ``context = chromium_browser.new_context(); page = context.new_page()``
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class RequestLog:
    """Every request a browser context made, in order (``.urls``)."""

    urls: list[str] = field(default_factory=list)

    def outside_localhost(self) -> list[str]:
        """The requests that went anywhere but this machine (should be none)."""
        outside = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in LOCAL_SCHEMES:
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                outside.append(url)
        return outside


@pytest.fixture
def _lab_context(chromium_browser: Any, jupyter_lab: JupyterLabServer
                 ) -> Iterator[tuple[Any, RequestLog]]:
    context = chromium_browser.new_context(accept_downloads=True,
                                           viewport={"width": 1200, "height": 900},
                                           device_scale_factor=2)
    requests = RequestLog()
    context.on("request", lambda request: requests.urls.append(request.url))
    context.set_default_timeout(60_000)
    yield context, requests
    context.close()
    jupyter_lab.shutdown_sessions()


@pytest.fixture
def lab_page(_lab_context: tuple[Any, RequestLog]) -> Any:
    """A fresh Playwright ``Page`` in its own context (1200x900, device scale 2, downloads
    accepted, 60 s default timeout). Add init scripts before ``run_notebook`` opens Lab; kernel
    sessions are shut down after the test.

    Example: ``lab_page.add_init_script("window.__probe = []")``
    """
    page = _lab_context[0].new_page()
    # Shown with a failing test's captured output: the browser's side of the story.
    page.on("console", lambda msg: msg.type in ("error", "warning") and print(
        f"[browser {msg.type}] {msg.text}"))
    page.on("pageerror", lambda error: print(f"[browser pageerror] {error}"))
    return page


@pytest.fixture
def page_requests(_lab_context: tuple[Any, RequestLog]) -> RequestLog:
    """Every request made by ``lab_page`` (all its frames and workers), from its first load.

    Example: ``assert page_requests.outside_localhost() == []``
    """
    return _lab_context[1]


# --------------------------------------------------------------------------- kernel
class LabKernel:
    """A second client of the kernel that the notebook page runs: same variables, same widgets.

    Messages from the browser to Python (widget state, clicks) are handled only while the
    kernel is idle, so read state with ``eval`` after the browser has acted, in a poll.
    """

    def __init__(self, connection_file: Path, timeout: float = 60.0) -> None:
        from jupyter_client import BlockingKernelClient

        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=timeout)

    def execute(self, code: str, timeout: float = 60.0) -> str:
        """Run code in the kernel; returns its printed output and the value of its last line
        (text/plain). Raises AssertionError with the traceback if the code raises."""
        outputs: list[str] = []
        errors: list[str] = []

        def hook(message: dict) -> None:
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                outputs.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                outputs.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                errors.append("\n".join(content["traceback"]))

        reply = self.client.execute_interactive(code, store_history=False, timeout=timeout,
                                                output_hook=hook)
        if errors or reply["content"]["status"] != "ok":
            text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors))
            raise AssertionError(f"kernel code failed: {code!r}\n{text}")
        return "".join(outputs)

    def eval(self, expression: str, timeout: float = 60.0) -> Any:
        """The value of a Python expression in the kernel, as JSON sends it back (numbers,
        strings, bools, lists, dicts). Example: ``kernel.eval("player.position")``."""
        text = self.execute(f"import json as _j; print(_j.dumps({expression}))", timeout)
        return json.loads(text)

    def close(self) -> None:
        self.client.stop_channels()


@dataclass
class LabNotebook:
    """A notebook open in JupyterLab that has run all its cells.

    Attributes
    ----------
    page : the Playwright page showing it.
    name : its file name in the server root.
    kernel : a `LabKernel` on the notebook's own kernel.
    """

    page: Any
    name: str
    kernel: LabKernel

    def outputs(self) -> Any:
        """Locator of the notebook's output areas (scope text selectors to it: cell sources
        match too)."""
        return self.page.locator(".jp-OutputArea-output")

    def run_all(self, timeout: float = NOTEBOOK_TIMEOUT) -> None:
        """Run all cells again and wait until every cell ran and the kernel is idle."""
        _run_all(self.page, timeout)


_NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter((cell) => cell.model.type === 'code');
  const errors = [];
  for (const cell of cells) {
    for (const output of cell.model.outputs.toJSON()) {
      if (output.output_type === 'error') {
        errors.push(output.ename + ': ' + output.evalue + '\\n' + output.traceback.join('\\n'));
      }
    }
  }
  return {
    kernel: kernel ? kernel.status : null,
    ran: cells.filter((cell) => cell.model.executionCount !== null).length,
    cells: cells.length,
    errors,
  };
}"""


def _run_all(page: Any, timeout: float) -> None:
    page.evaluate("""() => {
      const panel = window.jupyterapp.shell.currentWidget;
      for (const cell of panel.content.widgets) {
        if (cell.model.type === 'code') cell.model.executionCount = null;
      }
      return window.jupyterapp.commands.execute('runmenu:run-all');
    }""")
    page.wait_for_function(
        f"""() => {{
          const s = ({_NOTEBOOK_STATE})();
          return s && (s.errors.length > 0 || (s.ran === s.cells && s.kernel === 'idle'));
        }}""",
        timeout=timeout * 1000, polling=100)
    state = page.evaluate(_NOTEBOOK_STATE)
    if state["errors"]:
        text = re.sub(r"\x1b\[[0-9;]*m", "", "\n\n".join(state["errors"]))
        raise AssertionError(f"a notebook cell raised:\n{text}")


def _dismiss_news(page: Any) -> None:
    button = page.get_by_role("button", name="No", exact=True)
    if button.count() and button.first.is_visible():
        button.first.click()


@pytest.fixture
def run_notebook(jupyter_lab: JupyterLabServer, lab_page: Any
                 ) -> Iterator[Callable[..., LabNotebook]]:
    """Write code cells to a notebook, open it in JupyterLab in ``lab_page``, dismiss the news
    toast, run all cells and wait until every cell ran and the kernel is idle (a cell that
    raises fails the test with its traceback). Returns a `LabNotebook`; its ``.kernel`` runs
    code in the same kernel as the page.

    Example::

        nb = run_notebook(["from jazzwidget.widgets.player import Player",
                           "player = Player(clip)\\nplayer"])
        nb.page.get_by_role("button", name="Play").click()
        wait_until(lambda: nb.kernel.eval("player.playing"), 20, "playing")
    """
    kernels: list[LabKernel] = []

    def open_and_run(cells: list[str] | Path, name: str | None = None,
                     timeout: float = NOTEBOOK_TIMEOUT) -> LabNotebook:
        name = name or f"test-{uuid.uuid4().hex[:8]}.ipynb"
        path = jupyter_lab.write_notebook(name, cells)
        code_cells = sum(c.cell_type == "code"
                         for c in nbformat.read(path, as_version=4).cells)
        page = lab_page
        page.goto(f"{jupyter_lab.url}/lab/tree/{name}?reset", timeout=timeout * 1000)
        page.wait_for_function(
            f"""() => {{
              const s = ({_NOTEBOOK_STATE})();
              return s && s.kernel === 'idle' && s.cells === {code_cells};
            }}""",
            timeout=timeout * 1000, polling=200)
        _dismiss_news(page)
        _run_all(page, timeout)
        _dismiss_news(page)
        kernel = LabKernel(jupyter_lab.connection_file(name))
        kernels.append(kernel)
        return LabNotebook(page, name, kernel)

    yield open_and_run
    for kernel in kernels:
        kernel.close()


# --------------------------------------------------------------------------- screenshots
@pytest.fixture
def screenshot_path(tmp_path: Path) -> Callable[[str], Path]:
    """Where to save a screenshot: ``docs/img/<name>`` when JAZZWIDGET_SCREENSHOTS=1 (the
    images in the docs), else the test's temporary folder.

    Example: ``nb.page.locator(".jw-player").screenshot(path=screenshot_path("player.png"))``
    """
    def where(name: str) -> Path:
        if os.environ.get("JAZZWIDGET_SCREENSHOTS") == "1":
            folder = REPO / "docs" / "img"
            folder.mkdir(parents=True, exist_ok=True)
            return folder / name
        return tmp_path / name

    return where


@pytest.fixture
def chromium_check() -> Callable[..., None]:
    """`require_chromium(path, environ)` as a fixture, to test the skip-or-fail rule itself.

    Example: ``chromium_check(Path("/nonexistent"), {"CI": "true"})`` fails the test.
    """
    return require_chromium


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """`wait_until` as a fixture (test modules cannot import conftest reliably).

    Example: ``wait_for(lambda: nb.kernel.eval("player.playing"), 20, "playing in Python")``
    """
    return wait_until
