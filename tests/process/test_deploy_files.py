"""deploy/ as an operator uses it: nginx accepts the site config (`nginx -t`), and every `hrdbot` command the
files name exists."""
from __future__ import annotations

import re
import subprocess

import pytest

from bot.cli import build_parser
from tests.process.conftest import need_nginx
from tests.support.processes import DEPLOY


def _commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def test_every_hrdbot_command_deploy_names_exists():
    known = _commands()
    named = set()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            text = path.read_text()
            # the program run (…/bin/hrdbot web), a compose command (["hrdbot", "web"]), prose (`hrdbot migrate`)
            named |= set(re.findall(r'(?:bin/hrdbot|"hrdbot",\s*"|`hrdbot|migrate hrdbot)\s*([a-z][a-z-]*)', text))
    assert {"migrate", "web", "worker", "webhook"} <= named, named
    assert named <= known, f"deploy/ names commands hrdbot does not have: {named - known}"


def test_nginx_accepts_the_site_config(tmp_path):
    nginx = need_nginx()
    tls = tmp_path / "tls"
    tls.mkdir()
    done = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                           "/CN=bot.example.org", "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The site file as shipped; only the absolute paths of this machine's layout are pointed into tmp.
    site = (DEPLOY / "nginx" / "hrdbot-site.conf").read_text()
    site = site.replace("/etc/hrdbot/tls/", f"{tls}/").replace(
        "/etc/nginx/snippets/hrdbot-locations.conf", str(DEPLOY / "nginx" / "hrdbot-locations.conf"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/site.conf;
}}
""")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


@pytest.mark.parametrize("unit", ["hrdbot-migrate.service", "hrdbot-web@.service", "hrdbot-worker@.service"])
def test_systemd_units_read_the_env_file_and_stop_with_sigterm(unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    assert "EnvironmentFile=/etc/hrdbot/hrdbot.env" in text
    if "oneshot" not in text:
        assert "KillSignal=SIGTERM" in text and "Restart=on-failure" in text
