"""The GitHub Pages workflow: the official pattern, pinned actions, the README's commands, and zizmor-clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps(job: dict) -> list[dict]:
    return job["steps"]


def test_runs_on_push_to_main_and_by_hand(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers == {"push": {"branches": ["main"]}, "workflow_dispatch": None}


def test_every_action_is_pinned_to_a_commit_with_its_release_named():
    lines = [line for line in WORKFLOW.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    assert lines and all(PINNED.match(line) for line in lines), lines
    used = {PINNED.match(line)[1] for line in lines}
    assert used == {"actions/checkout", "actions/setup-python", "actions/configure-pages",
                    "actions/upload-pages-artifact", "actions/deploy-pages", "actions/upload-artifact"}


def test_build_job_uses_the_readme_commands_and_uploads_site_and_bundle(workflow):
    build = workflow["jobs"]["build"]
    readme = (ROOT / "README.md").read_text()
    install_and_build = re.search(r"```sh\n(python3 -m venv [^\n]+sitegen build)\n```", readme)[1]
    runs = [step.get("run", "") for step in steps(build)]
    assert install_and_build in runs
    assert any(run.startswith(".venv/bin/sitegen bundle") for run in runs)
    python = next(step for step in steps(build) if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip" and re.fullmatch(r"3\.\d+", python["with"]["python-version"])
    uses = [step.get("uses", "").split("@")[0] for step in steps(build)]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    pages = steps(build)[uses.index("actions/upload-pages-artifact")]
    assert pages["with"]["path"].rstrip("/") == "site"
    bundle = steps(build)[uses.index("actions/upload-artifact")]
    assert bundle["with"]["path"] == "dist/offline-site.zip"
    assert build["permissions"] == {"contents": "read", "pages": "read"}


def test_deploy_job_is_the_official_pattern(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    (step,) = steps(deploy)
    assert step["id"] == "deployment" and step["uses"].startswith("actions/deploy-pages@")


def test_a_running_deploy_is_never_cancelled(workflow):
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {}


def test_zizmor_finds_nothing():
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    done = subprocess.run([zizmor, "--offline", "--persona=auditor", str(WORKFLOW.parent)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def test_the_suite_runs_before_anything_is_built_or_deployed(workflow):
    readme = (ROOT / "README.md").read_text()
    test_command = re.search(r"```sh\n(python3 -m venv [^\n]+-m pytest)\n```", readme)[1]
    test = workflow["jobs"]["test"]
    assert test_command in [step.get("run", "") for step in steps(test)]
    assert test["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["build"]["needs"] == "test" and workflow["jobs"]["deploy"]["needs"] == "build"


UPDATE = ROOT / ".github" / "workflows" / "update.yml"


def test_the_update_workflow_fetches_builds_strictly_then_commits_and_deploys():
    update = yaml.safe_load(UPDATE.read_text())
    triggers = update.get("on", update.get(True))
    assert set(triggers) == {"schedule", "workflow_dispatch"} and triggers["schedule"][0]["cron"]
    assert update["permissions"] == {} and update["concurrency"]["group"] == "pages"
    job = update["jobs"]["update"]
    runs = [step.get("run", "") for step in steps(job)]
    order = [next(n for n, run in enumerate(runs) if run.startswith(prefix)) for prefix in (
        ".venv/bin/sitegen fetch\n".strip(), ".venv/bin/sitegen fetch --enrich",
        ".venv/bin/sitegen check-links --older-than 7", ".venv/bin/sitegen build --strict",
        "git add archive/listings archive/metadata archive/links.json")]
    assert order == sorted(order)  # fetch, enrich, strict build, and only then the commit
    assert "git push" in runs[order[-1]] and job["permissions"]["contents"] == "write"
    deploy = update["jobs"]["deploy"]
    assert deploy["needs"] == "update" and deploy["permissions"] == {"contents": "read", "pages": "write",
                                                                     "id-token": "write"}
    lines = [line for line in UPDATE.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    assert lines and all(PINNED.match(line) for line in lines)


SHARDED = ROOT / ".github" / "workflows" / "pages-sharded.yml"


def test_the_sharded_workflow_builds_parts_merges_once_and_deploys():
    sharded = yaml.safe_load(SHARDED.read_text())
    jobs = sharded["jobs"]
    shards = jobs["shard"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(sharded["env"]["SHARDS"]) + 1))
    build = [s["run"] for s in steps(jobs["shard"]) if "run" in s]
    assert '.venv/bin/sitegen build --strict --shard "$SHARD/$SHARDS" --site-dir part' in build
    upload = next(s for s in steps(jobs["shard"]) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["include-hidden-files"] is True  # the part's manifest is a dot file
    assert jobs["shard"]["needs"] == "test" and jobs["merge"]["needs"] == "shard" and jobs["deploy"]["needs"] == "merge"
    merge = [s.get("run", "") for s in steps(jobs["merge"])]
    assert ".venv/bin/sitegen merge parts/part-* --site-dir site" in merge
    lines = [line for line in SHARDED.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    assert lines and all(PINNED.match(line) for line in lines)
