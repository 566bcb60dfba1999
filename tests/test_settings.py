"""Settings: defaults, environment overrides, and documentation of every setting."""

import re

import pytest

from aigraph.settings import PROJECT_ROOT, SETTINGS, Settings


def test_every_setting_is_documented():
    text = (PROJECT_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (\w+)$", text, re.MULTILINE))
    assert documented == {s.name for s in SETTINGS}


def test_environment_overrides_defaults_with_the_right_type():
    settings = Settings.load(environ={"AIGRAPH_QUERY_TIME_LIMIT": "2.5", "AIGRAPH_MAX_ROWS": "7"})
    assert settings.query_time_limit == 2.5
    assert settings.max_rows == 7
    assert settings.default_language == "en"


def test_explicit_overrides_win_over_environment():
    settings = Settings.load({"max_rows": 3}, environ={"AIGRAPH_MAX_ROWS": "7"})
    assert settings.max_rows == 3


def test_unknown_override_is_refused():
    with pytest.raises(KeyError, match="unknown setting"):
        Settings.load({"max_rowz": 3}, environ={})
