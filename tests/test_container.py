"""The Dockerfile and compose.yaml, checked without a container engine (none runs in CI here): what they
copy exists, they start what the Procfile starts, they probe /healthz, run as non-root, bake in no secret,
and every setting they pass is one the README documents."""

from __future__ import annotations

import re
import shlex

import yaml

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def procfile(kind: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == kind:
            return shlex.split(command.strip())
    raise AssertionError(kind)


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(x for x in DOCKERFILE.splitlines() if not x.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in text.splitlines()
            if line.strip()]


def documented_settings() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    return set(re.findall(r"^\| `([A-Z_]+)`", readme, re.M)) | {
        name for row in re.findall(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)+) \|", readme, re.M)
        for name in re.findall(r"`([A-Z_]+)`", row)}


def test_dockerfile_copies_what_exists_and_runs_the_procfile_web_line() -> None:
    steps = instructions()
    for kind, args in steps:
        if kind == "COPY":
            *sources, _ = shlex.split(args)
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    [(_, cmd)] = [s for s in steps if s[0] == "CMD"]
    assert shlex.split(cmd.removeprefix("exec ")) == procfile("web")
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.\d+-slim", steps[0][1])


def test_dockerfile_runs_as_non_root_with_a_healthcheck_and_no_secrets() -> None:
    steps = instructions()
    users = [args for kind, args in steps if kind == "USER"]
    assert users and users[-1] not in ("root", "0"), "the last USER must not be root"
    assert [k for k, _ in steps].index("USER") > max(i for i, (k, _) in enumerate(steps) if k == "RUN")
    [(_, check)] = [s for s in steps if s[0] == "HEALTHCHECK"]
    assert "bot.probe" in check  # GET /healthz (bot/probe.py)
    baked = " ".join(args for kind, args in steps if kind in ("ENV", "ARG"))
    assert not re.search(r"TOKEN|SECRET|PASSWORD|xox[abp]-|xapp-", baked, re.I)
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_dockerfile_builds_the_engine_cache_into_the_image() -> None:
    run = " ".join(args for kind, args in instructions() if kind == "RUN")
    assert "srm validate" in run and "load_engine()" in run and "SRM_CACHE_DIR" in DOCKERFILE


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_web_worker_and_postgresql_with_healthchecks() -> None:
    services = compose()["services"]
    assert set(services) == {"web", "worker", "db"}
    web, worker, db = services["web"], services["worker"], services["db"]
    assert "command" not in web  # the image's CMD: the Procfile's web line
    assert worker["command"] == procfile("worker")
    for srm in (web, worker):
        assert srm["healthcheck"]["test"] == ["CMD", "python", "-m", "bot.probe"]
        assert srm["environment"]["SRM_DATABASE_URL"].startswith("postgresql://")
        assert srm["depends_on"]["db"]["condition"] == "service_healthy"
        assert srm["env_file"] == ".env" and srm["read_only"] is True
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    port = worker["environment"]["SRM_HEALTH_PORT"]
    assert f"{port}:{port}" in worker["ports"] and "SRM_HEALTH_PORT" not in web["environment"]
    assert f"{web['environment']['PORT']}:" in web["ports"][0]


def test_every_setting_compose_passes_is_documented() -> None:
    env_example = [line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#")]
    services = compose()["services"]
    names = set(env_example) | {n for s in ("web", "worker") for n in services[s]["environment"]}
    missing = names - documented_settings()
    assert not missing, f"not in README's settings table: {missing}"
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"} <= set(env_example)
    assert all(not v.strip() or v.strip() in ("xoxb-", "true", "false", "90", "2") for v in
               (line.split("=", 1)[1] for line in (ROOT / ".env.example").read_text().splitlines()
                if "=" in line and not line.startswith("#"))), ".env.example holds no real value"


def test_the_probe_asks_healthz_on_the_process_own_port() -> None:
    from bot import probe

    assert probe.url({}) == "http://127.0.0.1:3000/healthz"
    assert probe.url({"PORT": "8080"}) == "http://127.0.0.1:8080/healthz"
    assert probe.url({"PORT": "8080", "SRM_HEALTH_PORT": "9090"}) == "http://127.0.0.1:9090/healthz"
    readme = (ROOT / "README.md").read_text()
    assert all(path in readme for path in ("/healthz", "/readyz", "/metrics"))
