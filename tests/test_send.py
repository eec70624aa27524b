"""bulletin send against a real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS."""
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import BULLETIN, REPO, run

PASSWORD = "s3cret-for-tests"
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
groups:
  市创建国家环境保护模范城市工作小组成员单位: [成员单位甲, 成员单位乙]
  各县（市、区）人民政府: [清城区政府, 清新区政府]
  各县（市、区）环保局: [清城区环保局, 清新区环保局]
"""
ALL = ["jia@members.example.cn", "yi@members.example.cn", "office@mep.example.cn", "gdep@gd.example.cn",
       "swb@qy.example.cn", "rd@qy.example.cn", "sfb@qy.example.cn", "zx@qy.example.cn", "yj@qy.example.cn",
       "qc@qy.example.cn", "qx@qy.example.cn", "qchb@qy.example.cn", "qxhb@qy.example.cn"]


class Server:
    """Accepts mail, or replies as a test scripts it: `data_replies` (one per DATA), `refuse` (per RCPT)."""

    def __init__(self):
        self.messages = []          # (envelope recipients, message bytes) of accepted messages
        self.data_replies = []
        self.refuse = {}
        self.block = None           # a threading.Event: DATA waits on it, then replies 451
        self.data_seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.block is not None and self.data_seen == 3:
            while not self.block.is_set():
                await __import__("asyncio").sleep(0.05)
            return "451 4.3.0 connection lost"
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if reply:
                return reply
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 queued"


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
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=auth, auth_require_tls=True, auth_required=True)
    controller.start()
    yield handler, port
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
def ws(workspace):
    return workspace[0]


@pytest.fixture
def configure(workspace):
    return workspace[1]


@pytest.fixture
def workspace(published, tmp_path, smtp, ca):
    _, port = smtp
    root = tmp_path / "ws"
    shutil.copytree(published, root)
    ca.cert_pem.write_to_path(str(root / "ca.pem"))
    settings = ("smtp:\n  host: 127.0.0.1\n  port: {port}\n  security: starttls\n  user: jianbao@qy.example.cn\n"
                "  from: 清远市创模办 <jianbao@qy.example.cn>\n  cafile: ca.pem\n  retry_delay: 0.05\n{extra}")
    config = (root / "bulletin.yaml").read_text(encoding="utf-8")

    def configure(extra="", cafile=True):
        text = settings.format(port=port, extra=extra)
        if not cafile:
            text = text.replace("  cafile: ca.pem\n", "")
        (root / "bulletin.yaml").write_text(config + text, encoding="utf-8")
    configure()
    return root, configure


def send(root, *args, password=PASSWORD):
    env = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_SMTP_PASSWORD": password}
    proc = subprocess.run([*BULLETIN, "send", *args], cwd=root, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def log(root):
    return [json.loads(line) for line in (root / "published" / "deliveries.jsonl").read_text().splitlines()]


def test_one_message_to_and_cc_with_the_pdf(ws, smtp):
    server, _ = smtp
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    assert len(server.messages) == 1
    rcpts, raw = server.messages[0]
    assert sorted(rcpts) == sorted(ALL)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "清远市创建国家环保模范城市工作简报 2018年第2期（总第42期）"
    assert msg["To"] == "jia@members.example.cn, yi@members.example.cn"
    assert msg["Cc"].split(", ") == ALL[2:]
    assert msg["From"].addresses[0].display_name == "清远市创模办"
    pdf = next(p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == "清远市创建国家环保模范城市工作简报2018年第2期（总第42期）.pdf"
    assert pdf.get_content() == (ws / "published" / "2018-02.pdf").read_bytes()
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "清远市环境监测系统工作座谈会顺利举行" in text and "https://www.example.gov.cn/jianbao/2018-02.html" in text
    assert 'href="https://www.example.gov.cn/jianbao/2018-02.html#a2"' in html
    assert [e["status"] for e in log(ws)] == ["sent"] * 13
    assert {e["message_id"] for e in log(ws)} == {msg["Message-ID"]}

    again = send(ws, "2018-02")
    assert again.returncode == 0 and "all 13 recipient(s) have received it already" in again.stderr
    assert len(server.messages) == 1
    status = send(ws, "2018-02", "--status")
    assert status.stdout.count("  sent ") == 13 and msg["Message-ID"] in status.stdout


def test_a_451_is_retried(ws, smtp):
    server, _ = smtp
    server.data_replies = ["451 4.3.0 try again later", None]
    proc = send(ws, "2018-02")
    assert proc.returncode == 0, proc.stderr
    assert "deferred (451" in proc.stderr
    assert len(server.messages) == 1
    assert [e["status"] for e in log(ws)] == ["deferred"] * 13 + ["sent"] * 13


def test_a_550_is_recorded_as_failed(ws, smtp):
    server, _ = smtp
    server.refuse = {"zx@qy.example.cn": "550 5.1.1 no such user"}
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert "failed: zx@qy.example.cn (市政协办): 550" in proc.stderr
    assert sorted(server.messages[0][0]) == sorted(a for a in ALL if a != "zx@qy.example.cn")
    failed = [e for e in log(ws) if e["status"] == "failed"]
    assert [(e["address"], e["code"]) for e in failed] == [("zx@qy.example.cn", 550)]
    status = send(ws, "2018-02", "--status").stdout
    assert "failed    zx@qy.example.cn" in status


def test_a_crash_mid_run_then_a_rerun_sends_to_each_once(ws, configure, smtp):
    server, _ = smtp
    configure("  per_recipient: true\n")
    server.block = threading.Event()
    env = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_SMTP_PASSWORD": PASSWORD}
    proc = subprocess.Popen([*BULLETIN, "send", "2018-02"], cwd=ws, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while server.data_seen < 3 and time.time() < deadline:
        time.sleep(0.05)
    assert server.data_seen == 3  # two accepted, the third in flight
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    server.block.set()
    time.sleep(0.3)
    server.block = None
    assert len(server.messages) == 2
    rerun = send(ws, "2018-02")
    assert rerun.returncode == 0, rerun.stderr
    delivered = [r for rcpts, _ in server.messages for r in rcpts]
    assert sorted(delivered) == sorted(ALL)  # each once, no one twice
    for rcpts, raw in server.messages:  # one message per recipient, addressed to that recipient alone
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        shown = [a.addr_spec for h in ("To", "Cc") if msg[h] for a in msg[h].addresses]
        assert shown == rcpts


def test_an_untrusted_certificate_is_refused(ws, configure, smtp):
    server, _ = smtp
    configure(cafile=False)
    proc = send(ws, "2018-02")
    assert proc.returncode == 1
    assert "the certificate of 127.0.0.1 is not trusted" in proc.stderr
    assert server.messages == [] and not (ws / "published" / "deliveries.jsonl").exists()


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


def test_dry_run_writes_eml_and_sends_nothing(ws, smtp):
    proc = send(ws, "2018-02", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    emls = sorted((ws / "output" / "mail" / "2018-02").glob("*.eml"))
    assert len(emls) == 1 and smtp[0].messages == []
    msg = email.message_from_bytes(emls[0].read_bytes(), policy=email.policy.default)
    assert msg["Subject"].endswith("2018年第2期（总第42期）")
    assert not (ws / "published" / "deliveries.jsonl").exists()
