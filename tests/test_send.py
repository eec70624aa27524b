"""bulletin send against a real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS, that misbehaves.

For every fault, the server's own record and published/deliveries.jsonl must agree recipient by
recipient (`agree`): nobody logged delivered who did not get it, nobody gets two copies.
Synchronisation with the client (a real `python -m bulletin send` process) is by events the server
sets and waits on, never by sleeping.
"""
import asyncio
import email
import email.policy
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import urllib.parse
from collections import Counter
from email.header import decode_header, make_header

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

from conftest import BULLETIN, REPO, run

PASSWORD = "s3cret-for-tests"
WAIT = 60  # the longest any event is waited for: a bound, never a synchronisation
BOOK = """\
addresses:
  成员单位甲: jia@members.example.cn
  成员单位乙: yi@members.example.cn
  国家环保部: office@mep.example.cn
  省环保厅: gdep@gd.example.cn
  市委办: swb@qy.example.cn
  市人大办: rd@qy.example.cn
  市府办: sfb@qy.example.cn
  市政协办: zx@qy.example.cn
  市应急办: yj@qy.example.cn
  清城区政府: qc@qy.example.cn
  清新区政府: qx@qy.example.cn
  清城区环保局: qchb@qy.example.cn
  清新区环保局: qxhb@qy.example.cn
  编辑部: editor@qy.example.cn
groups:
  市创建国家环境保护模范城市工作小组成员单位: [成员单位甲, 成员单位乙]
  各县（市、区）人民政府: [清城区政府, 清新区政府]
  各县（市、区）环保局: [清城区环保局, 清新区环保局]
"""
ALL = ["jia@members.example.cn", "yi@members.example.cn", "office@mep.example.cn", "gdep@gd.example.cn",
       "swb@qy.example.cn", "rd@qy.example.cn", "sfb@qy.example.cn", "zx@qy.example.cn", "yj@qy.example.cn",
       "qc@qy.example.cn", "qx@qy.example.cn", "qchb@qy.example.cn", "qxhb@qy.example.cn"]
PDF_NAME = "清远市创建国家环保模范城市工作简报2018年第2期（总第42期）.pdf"


class Server:
    """Queues what it accepts in `messages`; misbehaves as a test scripts it.

    `rcpt[address]`: replies to that address's next RCPTs; `data`: replies to the next messages' ends;
    `drop_after_end`: messages whose end it reads and then hangs up without a reply; `drop_in_data`:
    messages it hangs up on halfway; `hold_at`: a step (EHLO, MAIL, RCPT n, DATA) at which it sets
    `holding` and waits for `release` (at DATA, with the message queued already)."""

    def __init__(self):
        self.messages = []
        self.rcpt, self.data = {}, []
        self.drop_after_end = self.drop_in_data = 0
        self.hold_at, self.rcpts_seen = None, 0
        self.holding, self.release = threading.Event(), threading.Event()

    async def _hold(self, step):
        if self.hold_at == step and not self.holding.is_set():
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
            return True
        return False

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        await self._hold("EHLO")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await self._hold("MAIL")
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts_seen += 1
        await self._hold(f"RCPT {self.rcpts_seen}")
        scripted = self.rcpt.get(address)
        if scripted:
            reply = scripted.pop(0)
            if reply.startswith("421"):  # a 421 closes the channel, as real servers do
                asyncio.get_running_loop().call_soon(server.transport.close)
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_at == "DATA" and not self.holding.is_set():
            # Queued, and the reply not yet sent: the moment the client is killed at.
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
            await self._hold("DATA")
            return "250 2.0.0 queued"
        if self.drop_after_end:
            self.drop_after_end -= 1
            server.transport.close()
            return "421 gone"
        if self.data:
            reply = self.data.pop(0)
            if reply.startswith("421"):
                asyncio.get_running_loop().call_soon(server.transport.close)
            return reply
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 queued"


class MidDataSMTP(SMTP):
    """Hangs up halfway through a message when the handler says so."""

    async def smtp_DATA(self, arg):
        handler = self.event_handler
        if handler.drop_in_data and self.envelope.rcpt_tos:
            handler.drop_in_data -= 1
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")  # one line of the message, then the line drops
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class Faulty(Controller):
    def factory(self):
        return MidDataSMTP(self.handler, **self.SMTP_kwargs)


def auth(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"jianbao@qy.example.cn" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def smtp(ca):
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    handler = Server()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Faulty(handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                        authenticator=auth, auth_require_tls=True, auth_required=True)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    (root / "recipients.yaml").write_text(BOOK, encoding="utf-8")
    run("publish", "2018-02", cwd=root, check=True)
    return root


@pytest.fixture
def workspace(published, tmp_path, smtp, ca):
    _, port = smtp
    root = tmp_path / "ws"
    shutil.copytree(published, root)
    ca.cert_pem.write_to_path(str(root / "ca.pem"))
    settings = ("smtp:\n  host: 127.0.0.1\n  port: {port}\n  security: starttls\n  user: jianbao@qy.example.cn\n"
                "  from: 清远市创模办 <jianbao@qy.example.cn>\n  cafile: ca.pem\n  retry_delay: {delay}\n"
                "  retry_for: {bound}\n{extra}")
    config = (root / "bulletin.yaml").read_text(encoding="utf-8")

    def configure(extra="", cafile=True, more="", delay=0.01, bound=5):
        text = settings.format(port=port, extra=extra, delay=delay, bound=bound)
        if not cafile:
            text = text.replace("  cafile: ca.pem\n", "")
        (root / "bulletin.yaml").write_text(config + text + more, encoding="utf-8")
    configure()
    return root, configure


@pytest.fixture
def ws(workspace):
    return workspace[0]


@pytest.fixture
def configure(workspace):
    return workspace[1]


def _env(password=PASSWORD):
    env = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_SMTP_PASSWORD": password, "BULLETIN_LANG": "en"}
    env.pop("BULLETIN_DEBUG", None)
    return env


def send(root, *args, password=PASSWORD):
    proc = subprocess.run([*BULLETIN, "send", *args], cwd=root, env=_env(password), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def log(root):
    path = root / "published" / "deliveries.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def states(root):
    """Each address's state as the log says it, read here without bulletin's own reader."""
    out = {}
    for e in log(root):
        if e.get("copy"):
            continue
        if out.get(e["address"]) != "delivered":
            out[e["address"]] = {"in_flight": "uncertain"}.get(e["status"], e["status"])
    return out


def agree(server, root):
    """The server's record and the log agree recipient by recipient; nobody got two copies."""
    got = Counter(r for rcpts, _ in server.messages for r in rcpts)
    assert all(n == 1 for n in got.values()), got
    said = states(root)
    for address in ALL:
        if said.get(address) == "delivered":
            assert got[address] == 1, f"{address} logged delivered, never received"
        elif said.get(address) != "uncertain":
            assert got[address] == 0, f"{address} received it, logged {said.get(address)}"
    return got, said


def test_one_message_to_and_cc_with_the_pdf(ws, smtp):
    server, _ = smtp
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    assert len(server.messages) == 1
    rcpts, raw = server.messages[0]
    assert sorted(rcpts) == sorted(ALL)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "清远市创建国家环保模范城市工作简报 2018年第2期（总第42期）"
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("成员单位甲", "jia@members.example.cn"), ("成员单位乙", "yi@members.example.cn")]
    assert [a.addr_spec for a in msg["Cc"].addresses] == ALL[2:]
    assert msg["From"].addresses[0].display_name == "清远市创模办"
    pdf = next(p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == PDF_NAME
    assert pdf.get_content() == (ws / "published" / "2018-02.pdf").read_bytes()
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "清远市环境监测系统工作座谈会顺利举行" in text and "https://www.example.gov.cn/jianbao/2018-02.html" in text
    assert 'href="https://www.example.gov.cn/jianbao/2018-02.html#a2"' in html
    assert [e["status"] for e in log(ws)] == ["in_flight"] * 13 + ["delivered"] * 13
    assert {(e["rcpt_code"], e["code"]) for e in log(ws) if e["status"] == "delivered"} == {(250, 250)}
    assert {e["message_id"] for e in log(ws)} == {msg["Message-ID"]}
    assert {e["role"] for e in log(ws)} == {"main", "cc"}
    agree(server, ws)

    again = send(ws, "2018-02")
    assert again.returncode == 0 and "all 13 recipient(s) have received it already" in again.stderr
    assert len(server.messages) == 1
    status = send(ws, "2018-02", "--status")
    assert status.stdout.count("  delivered  ") == 13 and msg["Message-ID"] in status.stdout
    assert "250 2.0.0 queued" in status.stdout


# --- faults at RCPT and at the end of DATA: each recipient's reply decides ----------------------

def test_a_421_at_rcpt_loses_nobody_and_reports_nobody_falsely(ws, smtp):
    """The bug of issue 15: smtplib reported 12 of 13 as sent after a 421 at one RCPT."""
    server, _ = smtp
    server.rcpt = {"rd@qy.example.cn": ["421 4.3.2 service shutting down"]}
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    assert "deferred (421" in proc.stderr
    got, said = agree(server, ws)
    assert set(got) == set(ALL) and set(said.values()) == {"delivered"}
    first = [e for e in log(ws) if e["attempt"] == 1]
    assert {e["status"] for e in first} == {"deferred"} and {e["code"] for e in first} == {421}
    # Accepted at RCPT before the 421 (yet not delivered), refused by it, or never asked.
    assert [e.get("rcpt_code") for e in first if e["address"] in ALL[:5]] == [250] * 5
    assert [(e["step"], e.get("rcpt_code")) for e in first if e["address"] == "rd@qy.example.cn"] == [("rcpt", None)]
    assert {e.get("rcpt_code") for e in first if e["address"] in ALL[6:]} == {None}


def test_a_451_at_rcpt_delays_that_recipient_only(ws, smtp):
    server, _ = smtp
    server.rcpt = {"zx@qy.example.cn": ["451 4.7.1 greylisted"]}
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    assert [sorted(r) for r, _ in server.messages] == [sorted(set(ALL) - {"zx@qy.example.cn"}),
                                                       ["zx@qy.example.cn"]]
    agree(server, ws)
    zx = [(e["status"], e.get("code")) for e in log(ws) if e["address"] == "zx@qy.example.cn"]
    assert zx == [("deferred", 451), ("in_flight", None), ("delivered", 250)]


def test_a_550_at_rcpt_is_refused_at_once(ws, smtp):
    server, _ = smtp
    server.rcpt = {"zx@qy.example.cn": ["550 5.1.1 no such user"] * 5}
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert "refused: zx@qy.example.cn (市政协办): 550 5.1.1 no such user" in proc.stderr
    assert len(server.messages) == 1
    got, said = agree(server, ws)
    assert said["zx@qy.example.cn"] == "refused" and got["zx@qy.example.cn"] == 0
    assert [e["status"] for e in log(ws) if e["address"] == "zx@qy.example.cn"] == ["refused"]
    status = send(ws, "2018-02", "--status").stdout
    assert re.search(r"refused +zx@qy\.example\.cn .*550 5\.1\.1 no such user", status)


@pytest.mark.parametrize("reply", ["421 4.3.2 closing", "451 4.3.0 try again later"])
def test_a_4xx_at_the_end_of_data_is_retried(ws, smtp, reply):
    server, _ = smtp
    server.data = [reply]
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    got, said = agree(server, ws)
    assert set(got) == set(ALL) and len(server.messages) == 1
    code = int(reply[:3])
    assert [e["status"] for e in log(ws) if e["address"] == ALL[0]] == [
        "in_flight", "deferred", "in_flight", "delivered"]
    assert [e.get("code") for e in log(ws) if e["address"] == ALL[0]] == [None, code, None, 250]


def test_a_550_at_the_end_of_data_refuses_everyone(ws, smtp):
    server, _ = smtp
    server.data = ["554 5.6.0 message refused"]
    proc = send(ws, "2018-02")
    assert proc.returncode == 1 and proc.stderr.count("refused: ") == 13
    got, said = agree(server, ws)
    assert not got and set(said.values()) == {"refused"}


@pytest.mark.parametrize("delay, bound, tries", [(0.01, 60, 4), (2, 1, 1)])
def test_temporary_refusals_end_when_the_tries_or_the_time_are_up(ws, configure, smtp, delay, bound, tries):
    server, _ = smtp
    configure(extra="  retries: 3\n", delay=delay, bound=bound)  # 4 tries, unless the next wait ends past the bound
    server.rcpt = {"yj@qy.example.cn": ["452 4.2.2 mailbox full"] * 50}
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert "not delivered: yj@qy.example.cn (市应急办): 452 4.2.2 mailbox full" in proc.stderr
    got, said = agree(server, ws)
    assert said["yj@qy.example.cn"] == "deferred" and got["yj@qy.example.cn"] == 0
    assert len([e for e in log(ws) if e["address"] == "yj@qy.example.cn"]) == tries


# --- a line that drops ---------------------------------------------------------------------------

def test_a_line_dropped_after_the_message_leaves_it_uncertain(ws, smtp):
    server, _ = smtp
    server.drop_after_end = 1
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert proc.stderr.count("uncertain: ") == 13 and "--resend-uncertain" in proc.stderr
    got, said = agree(server, ws)
    assert set(said.values()) == {"uncertain"} and not got

    rerun = send(ws, "2018-02")  # held back, not sent twice
    assert rerun.returncode == 1 and rerun.stderr.count("held back: ") == 13
    assert not server.messages
    assert send(ws, "2018-02", "--status").stdout.count("  uncertain  ") == 13

    resent = send(ws, "2018-02", "--resend-uncertain")
    assert resent.returncode == 0, resent.stderr
    got, said = agree(server, ws)
    assert set(got) == set(ALL) and set(said.values()) == {"delivered"}


def test_a_line_dropped_halfway_through_the_message(ws, smtp):
    server, _ = smtp
    server.drop_in_data = 1
    proc = send(ws, "2018-02")
    got, said = agree(server, ws)
    # Whether the client's write failed (the end never left: retried) or its wait for the reply
    # (the end may have left: uncertain) is the kernel's business; either way the log is true.
    if set(said.values()) == {"delivered"}:
        assert proc.returncode == 0 and set(got) == set(ALL), proc.stderr
        assert "deferred" in [e["status"] for e in log(ws)]
    else:
        assert set(said.values()) == {"uncertain"} and proc.returncode == 1 and not got


# --- the client killed at each step: a rerun sends nobody a second copy ------------------------

def _killed_at(ws, server, step):
    server.hold_at = step
    proc = subprocess.Popen([*BULLETIN, "send", "2018-02"], cwd=ws, env=_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.holding.wait(WAIT), proc.stderr.read() if proc.poll() is not None else "no hold"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=WAIT)
    server.release.set()
    server.hold_at = None


@pytest.mark.parametrize("step", ["EHLO", "MAIL", "RCPT 5", "DATA"])
def test_a_client_killed_at_each_step_then_a_rerun(ws, smtp, step):
    server, _ = smtp
    _killed_at(ws, server, step)
    got, said = agree(server, ws)
    if step == "DATA":
        assert set(got) == set(ALL) and set(said.values()) == {"uncertain"}
    else:
        assert not got and not said
    rerun = send(ws, "2018-02")
    got, said = agree(server, ws)
    assert set(got) == set(ALL)
    if step == "DATA":
        assert rerun.returncode == 1 and rerun.stderr.count("held back: ") == 13
    else:
        assert rerun.returncode == 0, rerun.stderr
        assert set(said.values()) == {"delivered"}


def test_per_recipient_killed_mid_run_then_a_rerun(ws, configure, smtp):
    server, _ = smtp
    configure("  per_recipient: true\n")
    # RCPT 3 is the third message's: two delivered, the third being addressed.
    _killed_at(ws, server, "RCPT 3")
    assert len(server.messages) == 2
    rerun = send(ws, "2018-02")
    assert rerun.returncode == 0, rerun.stderr
    got, said = agree(server, ws)
    assert set(got) == set(ALL) and set(said.values()) == {"delivered"}
    for rcpts, raw in server.messages:  # one message per recipient, addressed to that recipient alone
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        shown = [a.addr_spec for h in ("To", "Cc") if msg[h] for a in msg[h].addresses]
        assert shown == rcpts


def test_per_recipient_killed_while_the_server_holds_a_message(ws, configure, smtp):
    server, _ = smtp
    configure("  per_recipient: true\n")
    _killed_at(ws, server, "DATA")
    first = server.messages[0][0]
    rerun = send(ws, "2018-02")
    assert rerun.returncode == 1 and f"held back: {first[0]}" in rerun.stderr
    got, said = agree(server, ws)
    assert set(got) == set(ALL) and said[first[0]] == "uncertain"
    assert [a for a, s in said.items() if s != "delivered"] == first


# --- what is sent is what was published ---------------------------------------------------------

def test_send_mails_the_recipients_recorded_at_publish_time(ws, smtp):
    server, _ = smtp
    manifest = json.loads((ws / "published" / "manifest.json").read_text(encoding="utf-8"))
    recorded = manifest["editions"]["2018-02"]["recipients"]
    assert recorded[0] == {"name": "市创建国家环境保护模范城市工作小组成员单位", "role": "main"}
    assert {"name": "市应急办", "role": "cc"} in recorded
    # The record decides, not a later look at the issue: take 市应急办 off the record.
    manifest["editions"]["2018-02"]["recipients"] = [r for r in recorded if r["name"] != "市应急办"]
    (ws / "published" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    assert sorted(server.messages[0][0]) == sorted(set(ALL) - {"yj@qy.example.cn"})


def test_a_changed_setting_after_publishing_is_an_error(ws, smtp):
    config = (ws / "bulletin.yaml").read_text(encoding="utf-8")
    (ws / "bulletin.yaml").write_text(config.replace("publisher: 清远市", "publisher: 广东省清远市"), encoding="utf-8")
    check = run("check", cwd=ws)
    assert check.returncode == 1
    assert "2018-02 was published on" in check.stderr and "its settings in bulletin.yaml" in check.stderr
    proc = send(ws, "2018-02")
    assert proc.returncode == 1 and not smtp[0].messages
    (ws / "bulletin.yaml").write_text(config, encoding="utf-8")
    assert run("check", cwd=ws).returncode == 0


def test_a_changed_image_after_publishing_is_an_error(make_ws, tmp_path):
    png = (REPO / "docs" / "page1.png").read_bytes()
    root = make_ws({"2018-01.md": "---\nissue: 1\ndate: 2018-01-29\n---\n\n## 标题\n\n![图](photo.png)\n"})
    (root / "issues" / "photo.png").write_bytes(png)
    run("publish", "2018-01", cwd=root, check=True)
    record = json.loads((root / "published" / "manifest.json").read_text())["editions"]["2018-01"]
    assert list(record["inputs"]["images"]) == ["issues/photo.png"]
    assert run("check", cwd=root).returncode == 0
    (root / "issues" / "photo.png").write_bytes(png + b"\0")
    for command in ("check", "build"):
        proc = run(command, cwd=root)
        assert proc.returncode == 1 and "the image issues/photo.png has changed since" in proc.stderr


# --- the mail as offices send it -----------------------------------------------------------------

def _classified(ws, configure):
    issue = ws / "issues" / "2018-02.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace("date: 2018-03-05\n",
                                                               "date: 2018-03-05\nclassification: 内部资料 注意保存\n"),
                     encoding="utf-8")
    configure(more="mail:\n  read_receipt: true\n  signature: |\n    清远市创模办 信息科\n    电话：0763-1234567\n")
    run("publish", "2018-02", "--reissue", cwd=ws, check=True)


def _decoded(words):
    return str(make_header(decode_header(words)))


def test_a_dry_run_message_as_offices_send_it(ws, configure, smtp):
    _classified(ws, configure)
    proc = send(ws, "2018-02", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    emls = sorted((ws / ".bulletin" / "mail" / "2018-02").glob("*.eml"))
    assert len(emls) == 1 and smtp[0].messages == [] and not (ws / "output" / "mail").exists()
    raw = emls[0].read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = re.sub(r"\r\n[ \t]", " ", raw.decode("ascii", "replace"))
    # Display names, RFC 2047 encoded in the raw To and Cc.
    to = re.search(r"^To: (.*)$", re.sub(r"\r\n[ \t]", " ", head), re.M).group(1)
    assert re.match(r"=\?utf-8\?b\?[A-Za-z0-9+/=]+\?= <jia@members\.example\.cn>", to)
    cc = re.search(r"^Cc: (.*)$", re.sub(r"\r\n[ \t]", " ", head), re.M).group(1)
    names = {addr: _decoded(name) for name, addr in re.findall(r"(=\?utf-8\?b\?[^ ]+\?=) <([^>]+)>", cc)}
    assert names["swb@qy.example.cn"] == "市委办" and names["qchb@qy.example.cn"] == "清城区环保局"
    # The attachment's name in both forms, as they stand in the raw headers.
    rfc2231 = re.search(r"filename\*=utf-8''([^\s;]+)", unfolded).group(1)
    assert urllib.parse.unquote(rfc2231) == PDF_NAME
    rfc2047 = re.search(r'Content-Type: application/pdf; +name="(=\?utf-8\?b\?[^"]+)"', unfolded).group(1)
    assert all(len(w) <= 75 for w in rfc2047.split())
    assert _decoded(rfc2047) == PDF_NAME
    assert re.search(r"^Disposition-Notification-To: =\?utf-8\?b\?[^ ]+\?= <jianbao@qy\.example\.cn>$",
                     re.sub(r"\r\n[ \t]", " ", head), re.M)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"].startswith("【内部资料 注意保存】清远市创建国家环保模范城市工作简报")
    for kind in ("plain", "html"):
        body = msg.get_body((kind,)).get_content()
        assert "内部资料 注意保存" in body and "电话：0763-1234567" in body and "清远市创模办 信息科" in body
        assert "现将《清远市创建国家环保模范城市工作简报》2018年第2期（总第42期）发给你们" in body
    assert "<br>" in msg.get_body(("html",)).get_content()


def test_no_address_lands_in_output(ws, smtp):
    assert send(ws, "2018-02", "--dry-run").returncode == 0
    run("build", cwd=ws, check=True)
    for path in (ws / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not re.search(rb"[\w.-]+@qy\.example\.cn|members\.example\.cn", data), path
            assert str(ws).encode() not in data and str(ws.parent).encode() not in data, path  # no local path


def test_a_real_send_without_smtp_says_so_first(ws):
    config = (ws / "bulletin.yaml").read_text(encoding="utf-8")
    (ws / "bulletin.yaml").write_text(config.split("smtp:")[0], encoding="utf-8")
    (ws / "recipients.yaml").unlink()  # it would be the next complaint; the missing smtp: comes first
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0].endswith("error: bulletin.yaml has no 'smtp:' settings; nothing was sent")
    (ws / "recipients.yaml").write_text(BOOK, encoding="utf-8")
    dry = send(ws, "2018-02", "--dry-run")
    assert dry.returncode == 0 and "warning: bulletin.yaml has no 'smtp:' settings" in dry.stderr


def test_send_to_one_name_touches_nobody_elses_record(ws, smtp):
    server, _ = smtp
    proc = send(ws, "2018-02", "--to", "编辑部")
    assert proc.returncode == 0, proc.stderr
    assert [r for r, _ in server.messages] == [["editor@qy.example.cn"]]
    msg = email.message_from_bytes(server.messages[0][1], policy=email.policy.default)
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [("编辑部", "editor@qy.example.cn")]
    assert msg["Cc"] is None
    assert all(e.get("copy") for e in log(ws)) and states(ws) == {}
    assert send(ws, "2018-02", "--status").stdout.count("  not sent   ") == 13
    assert send(ws, "2018-02").returncode == 0
    agree(server, ws)
    assert sum(len(r) for r, _ in server.messages) == 14
    unknown = send(ws, "2018-02", "--to", "市委")
    assert unknown.returncode == 1 and "did you mean" in unknown.stderr and "市委办" in unknown.stderr


def test_an_attachment_over_the_limit_is_refused_before_anything(ws, configure, smtp):
    configure(more="mail:\n  max_attachment_mb: 0.1\n")
    proc = send(ws, "2018-02")
    assert proc.returncode == 1 and "mail servers refuse attachments over 0.1 MB" in proc.stderr
    assert smtp[0].messages == [] and log(ws) == []


def test_roles_map_to_to_and_cc_as_bulletin_yaml_says(ws, configure, smtp):
    server, _ = smtp
    configure(more="mail:\n  cc_roles: []\n")
    assert send(ws, "2018-02").returncode == 0
    msg = email.message_from_bytes(server.messages[0][1], policy=email.policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ALL and msg["Cc"] is None
    assert {e["header"] for e in log(ws)} == {"To"}


# --- refusals before anything is sent -----------------------------------------------------------

def test_an_untrusted_certificate_is_refused(ws, configure, smtp):
    server, _ = smtp
    configure(cafile=False)
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert "the certificate of 127.0.0.1 is not trusted" in proc.stderr
    assert server.messages == [] and log(ws) == []


def test_nothing_is_sent_when_a_recipient_has_no_address(ws, smtp):
    server, _ = smtp
    book = (ws / "recipients.yaml").read_text(encoding="utf-8").replace("  市应急办: yj@qy.example.cn\n", "")
    (ws / "recipients.yaml").write_text(book, encoding="utf-8")
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert "'市应急办' (抄送) has no e-mail address" in proc.stderr and "nothing was sent" in proc.stderr
    assert server.messages == []


def test_only_published_editions_are_sent(ws, smtp):
    proc = send(ws, "2018-03")
    assert proc.returncode == 1 and "2018-03 has not been published" in proc.stderr


def test_the_password_comes_from_the_environment(ws, smtp):
    proc = send(ws, "2018-02", password="")
    assert proc.returncode == 1 and "BULLETIN_SMTP_PASSWORD" in proc.stderr
    assert smtp[0].messages == []


def test_a_numbered_edition_gives_each_recipient_its_own_copy(ws, smtp):
    """GB/T 9704 7.2.1: each recipient of a numbered edition gets a PDF of its own with its 份号,
    the log records number ↔ recipient, and a rerun keeps the numbers."""
    import io

    import pdfplumber

    server, _ = smtp
    issue = ws / "issues" / "2018-03.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace(
        "date: 2018-04-16\n", "date: 2018-04-16\nnumbered: true\nrecipients:\n  main: [成员单位甲, 市委办]\n"
        "  cc: [市府办]\n", 1), encoding="utf-8")
    run("publish", "2018-03", cwd=ws, check=True)
    server.rcpt = {"sfb@qy.example.cn": ["451 4.3.0 try again later"]}
    proc = send(ws, "2018-03")
    assert proc.returncode == 0, proc.stderr
    assert len(server.messages) == 3 and all(len(rcpts) == 1 for rcpts, _ in server.messages)
    numbers = {}
    for rcpts, raw in server.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        pdf = next(p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf").get_content()
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            first_line = doc.pages[0].extract_text().splitlines()[0]
        numbers[rcpts[0]] = first_line.strip()
    assert numbers == {"jia@members.example.cn": "000001", "swb@qy.example.cn": "000002",
                       "sfb@qy.example.cn": "000003"}
    delivered = {e["address"]: e["copy_number"] for e in log(ws) if e["status"] == "delivered"}
    assert delivered == numbers  # the deferred one kept its number on the retry
