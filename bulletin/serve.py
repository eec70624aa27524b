"""`bulletin serve`: build, serve output/ on 127.0.0.1, rebuild on change, reload the page.

The reload script is added to HTML pages as they are served, never written
into output/: the built site stays exactly what `bulletin build` makes.
"""
from __future__ import annotations

import functools
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import workspace
from .i18n import _

EVENTS = "/__bulletin/events"
_RELOAD = (b'<script>new EventSource("' + EVENTS.encode() +
           b'").onmessage = function () { location.reload(); };</script>')


class Generation:
    """A counter of finished rebuilds that request handlers can wait on."""

    def __init__(self):
        self.value = 0
        self.cond = threading.Condition()
        self.stopping = False

    def bump(self):
        with self.cond:
            self.value += 1
            self.cond.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self.cond:
            self.cond.wait_for(lambda: self.value > seen or self.stopping, timeout)
            return self.value


class Handler(SimpleHTTPRequestHandler):
    generation: Generation

    def log_message(self, format, *args):  # quiet: the build output is what matters
        pass

    def do_GET(self):
        if self.path == EVENTS:
            return self._events()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes()
            body = body.replace(b"</body>", _RELOAD + b"</body>", 1)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()

    def _events(self):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.generation.value
        try:
            while not self.generation.stopping:
                now = self.generation.wait_past(seen, timeout=15)
                if now > seen:
                    self.wfile.write(b"data: reload\n\n")
                    seen = now
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def serve(root: Path, port: int, rebuild, say) -> None:
    """Serve until interrupted.  `rebuild(changed_paths)` builds; `say` prints."""
    from watchfiles import watch

    out = workspace.output_dir(root)
    out.mkdir(exist_ok=True)
    generation = Generation()
    handler = functools.partial(type("BoundHandler", (Handler,), {"generation": generation}), directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watched = [p for p in (root / workspace.CONFIG, root / workspace.ISSUES, workspace.templates_dir(root))
               if p.exists()]
    stop = threading.Event()
    try:
        said = False
        # the first (empty) yield comes once the watcher runs: from then on every edit is seen,
        # so only then does serve say it is serving
        for changes in watch(*watched, stop_event=stop, raise_interrupt=False, yield_on_timeout=True,
                             rust_timeout=200):
            if not said:
                say(_("serving {url} (Ctrl-C to stop)").format(url=f"http://127.0.0.1:{server.server_address[1]}/"))
                said = True
            # editors' swap and temporary files come and go; a deleted issue counts
            changed = {Path(p) for _, p in changes
                       if not Path(p).name.startswith(".") and (Path(p).exists() or p.endswith(".md"))}
            if not changed:
                continue
            say(_("changed: {names}; rebuilding").format(names=", ".join(sorted(p.name for p in changed))))
            rebuild(changed)
            generation.bump()
    finally:
        generation.stopping = True
        generation.bump()
        server.shutdown()
        server.server_close()
