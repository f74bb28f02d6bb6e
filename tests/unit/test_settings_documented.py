"""Docs that cannot go stale: every setting read by config.py has a row in README's settings table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_in_config() -> set[str]:
    source = (ROOT / "src/pjgj/config.py").read_text(encoding="utf-8")
    # the environment variables read by Config.from_env (os.environ.get / _env_* helpers)
    return set(re.findall(r"""(?:environ\.get|_env_\w+)\(\s*"([A-Z][A-Z0-9_]+)\"""", source))


def settings_in_readme() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, re.MULTILINE))


def test_every_setting_is_documented_in_the_readme() -> None:
    read = settings_in_config()
    assert {"PJGJ_BUILD_DIR", "PJGJ_STORE", "PJGJ_QUERY_CACHE", "PORT"} <= read  # the pattern still finds them
    missing = sorted(read - settings_in_readme())
    assert not missing, f"settings read by config.py but not in README.md's settings table: {missing}"


def test_the_readme_documents_no_setting_that_does_not_exist() -> None:
    extra = sorted(settings_in_readme() - settings_in_config() - {"SOURCE_DATE_EPOCH"})
    assert not extra, f"README.md documents settings that config.py does not read: {extra}"
