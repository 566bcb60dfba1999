"""The start checks' record: unchanged data is not checked again, any change is, bad data never passes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from aigraph import serving, startcheck, validate
from aigraph.persist import prepare, store_root
from aigraph.settings import PROJECT_ROOT
from aigraph.store import files as store_files
from tests.http_wait import wait_for_answer
from tests.oxigraph_server import free_port

JUNK = "<https://w3id.org/aigraph/id/junk> <http://example.org/p> 1 .\n"


@pytest.fixture
def checked(settings, tmp_path):
    """Settings with their own store folder and a private copy of the ontology (shapes too)."""
    ontology = tmp_path / "ontology"
    shutil.copytree(PROJECT_ROOT / "ontology", ontology)
    return settings.replace(store_path=str(tmp_path / "stores"), ontology_dir=str(ontology))


@pytest.fixture
def calls(monkeypatch):
    """Count the real SHACL validations and syntax checks a start runs (both still run)."""
    counts = {"shacl": 0, "syntax": 0}
    real_validate, real_syntax = validate.validate, validate.check_syntax

    def counting_validate(*args, **kwargs):
        counts["shacl"] += 1
        return real_validate(*args, **kwargs)

    def counting_syntax(*args, **kwargs):
        counts["syntax"] += 1
        return real_syntax(*args, **kwargs)

    monkeypatch.setattr(validate, "validate", counting_validate)
    monkeypatch.setattr(validate, "check_syntax", counting_syntax)
    return counts


def _files(settings):
    from aigraph.store import data_files

    files = data_files(settings.ontology_dir, settings.data_dir)
    return [*files, Path(settings.ontology_dir) / "shapes.ttl"]


def _record(settings):
    return startcheck.read(startcheck.record_path(store_root(settings), _files(settings)))


def test_nothing_changed_skips_both_checks(checked, calls, capsys):
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 1 and calls["syntax"] > 0
    record = _record(checked)
    assert record is not None and record.shacl
    assert {s.path for s in record.files} == {str(f.resolve()) for f in _files(checked)}
    syntax_before = calls["syntax"]
    capsys.readouterr()
    assert serving.check_data(checked) is None
    assert calls == {"shacl": 1, "syntax": syntax_before}
    assert "start checks skipped" in capsys.readouterr().err
    assert _record(checked) == record  # not rewritten


@pytest.mark.parametrize("change", ["data byte", "same size in place", "shapes", "vocabulary",
                                    "new file", "removed file"])
def test_any_change_runs_the_checks_again(checked, calls, data_dir, change):
    assert serving.check_data(checked) is None
    small, shapes = data_dir / "small.ttl", Path(checked.ontology_dir) / "shapes.ttl"
    if change == "data byte":
        small.write_bytes(small.read_bytes() + b"\n")
    elif change == "same size in place":
        # Same size and, set back by hand, the same modification time: only the content differs.
        stat = small.stat()
        text = small.read_bytes()
        assert b"Mistral AI" in text
        small.write_bytes(text.replace(b"Mistral AI", b"Mistral Ai", 1))
        os.utime(small, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert small.stat().st_size == stat.st_size
    elif change == "shapes":
        shapes.write_bytes(shapes.read_bytes() + b"# one more line\n")
    elif change == "vocabulary":
        vocabulary = shapes.with_name("aigraph.ttl")
        vocabulary.write_bytes(vocabulary.read_bytes() + b" ")
    elif change == "new file":
        (data_dir / "more.ttl").write_text("# nothing yet\n")
    else:
        (data_dir / "paths.ttl").unlink()
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 2
    # Checked once more, the new state is recorded and the next start skips again.
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 2


def test_data_that_does_not_conform_is_refused_after_a_good_record(checked, calls, data_dir):
    assert serving.check_data(checked) is None
    where = startcheck.record_path(store_root(checked), _files(checked))
    good = startcheck.read(where)
    (data_dir / "junk.ttl").write_text(JUNK)
    for _ in range(2):  # refused each time: a failure is never recorded
        problem = serving.check_data(checked)
        assert problem is not None and "does not conform" in problem and "id:junk" in problem
    assert calls["shacl"] == 3
    assert _record(checked) is None
    assert list(where.parent.iterdir()) == [where] and startcheck.read(where) == good
    # The junk goes: the data is that of the good record again, and passes unchecked.
    (data_dir / "junk.ttl").unlink()
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 3


def test_a_syntax_error_is_refused_even_with_a_record(checked, data_dir):
    assert serving.check_data(checked.replace(validate_on_start=False)) is None
    (data_dir / "small.ttl").write_text('@prefix a: <http://x/> .\n\na:b a:c "open .\n')
    problem = serving.check_data(checked.replace(validate_on_start=False))
    assert problem is not None and "small.ttl:3:9" in problem


@pytest.mark.parametrize("content", [
    b"", b"{", b"\xff\xfe garbage", b"[]", b'{"format": 1}', b'{"format": 99, "digest": "x"}',
    b"half", b"wrong stat", b"wrong digest"])
def test_a_corrupt_or_partial_record_is_ignored(checked, calls, content):
    assert serving.check_data(checked) is None
    where = startcheck.record_path(store_root(checked), _files(checked))
    good = where.read_bytes()
    data = json.loads(good)
    if content == b"half":
        content = good[: len(good) // 2]
    elif content == b"wrong stat":
        data["files"][0]["stat"] = [1, 2]
        content = json.dumps(data).encode()
    elif content == b"wrong digest":
        data["digest"] = "0" * 64
        content = json.dumps(data).encode()
    where.write_bytes(content)
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 2
    # Replaced by a sound record of this check.
    rewritten = startcheck.read(where)
    assert rewritten is not None and rewritten.shacl
    assert rewritten.digest == startcheck.fingerprint(_files(checked)).digest


def test_a_record_without_shacl_does_not_vouch_for_it(checked, calls):
    assert serving.check_data(checked.replace(validate_on_start=False)) is None
    assert calls["shacl"] == 0 and _record(checked).shacl is False
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 1 and _record(checked).shacl is True
    # A record with SHACL also covers a start that asks only for the syntax.
    syntax = calls["syntax"]
    assert serving.check_data(checked.replace(validate_on_start=False)) is None
    assert calls == {"shacl": 1, "syntax": syntax}


def test_other_software_versions_run_the_checks_again(checked, calls):
    assert serving.check_data(checked) is None
    where = startcheck.record_path(store_root(checked), _files(checked))
    now = startcheck.fingerprint(_files(checked))
    older = startcheck.Fingerprint(now.files, tuple(
        (name, "0.0" if name == "pyshacl" else version) for name, version in now.software))
    assert older.digest != now.digest
    startcheck.write(where, older, shacl=True)
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 2 and _record(checked).digest == now.digest


def test_unchanged_stat_reuses_the_recorded_hash_and_a_changed_one_hashes(checked, data_dir):
    files = _files(checked)
    first = startcheck.fingerprint(files, racy_seconds=0)
    assert all(state.stat is not None for state in first.files)
    # A record whose hash for small.ttl is wrong: trusted while the stat figures are unchanged.
    small = str((data_dir / "small.ttl").resolve())
    planted = tuple(startcheck.FileState(s.path, "0" * 64, s.stat) if s.path == small else s
                    for s in first.files)
    previous = startcheck.Record("", True, "", planted)
    assert {s.path: s.sha256 for s in startcheck.fingerprint(files, previous).files}[small] == "0" * 64
    os.utime(data_dir / "small.ttl")  # touched, not changed: hashed again, same content
    again = startcheck.fingerprint(files, previous)
    assert again.digest == first.digest


def test_files_changed_a_moment_ago_are_always_hashed(checked):
    states = startcheck.fingerprint(_files(checked), racy_seconds=3600).files
    assert all(state.stat is None for state in states)


def test_the_syntax_check_is_skipped_when_the_disk_store_was_built_from_the_same_files(
        checked, calls, data_dir, monkeypatch):
    # The fixture files were copied a moment ago: trust their stat figures all the same.
    monkeypatch.setattr(store_files, "RACY_SECONDS", 0)
    quick = checked.replace(validate_on_start=False)
    prepare(quick)
    assert serving.check_data(quick) is None
    assert calls["syntax"] == 0
    # The files changed since the store was built (and no record vouches for them): parsed.
    (data_dir / "small.ttl").write_bytes((data_dir / "small.ttl").read_bytes() + b"\n")
    assert serving.check_data(quick) is None
    assert calls["syntax"] > 0


def test_an_unwritable_record_folder_still_serves_checked_data(checked, calls, capsys):
    root = store_root(checked)
    root.mkdir(parents=True)
    (root / ".start-checks").write_text("a file where the folder should be")
    assert serving.check_data(checked) is None
    assert "could not be recorded" in capsys.readouterr().err
    assert serving.check_data(checked) is None
    assert calls["shacl"] == 2


def _serve(settings, tmp_path) -> tuple[int, str]:
    """Start ``aigraph serve`` (gunicorn) on the fixture data, wait for /healthz, stop it."""
    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_SECRET_KEY": "start-check-" + "0123456789abcdef" * 2}
    process = subprocess.Popen([sys.executable, "-m", "aigraph", "serve", "--port", str(port),
                                "--workers", "1"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    refused = ""
    try:
        assert b'"status"' in wait_for_answer(f"http://127.0.0.1:{port}/healthz", process)
    except AssertionError as error:  # the server stopped: the error carries its log
        refused = str(error)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        log = refused + process.stderr.read().decode(errors="replace")
        process.stderr.close()
    return code, log


def test_serve_skips_the_checks_on_a_second_start_and_refuses_bad_data(settings, tmp_path):
    code, first = _serve(settings, tmp_path)
    assert code == 0 and "start checks skipped" not in first and "Shutting down" in first
    records = list(tmp_path.glob("aigraph-store-*/.start-checks/*.json"))
    assert len(records) == 1 and startcheck.read(records[0]).shacl
    code, second = _serve(settings, tmp_path)
    assert code == 0 and "start checks skipped" in second
    (Path(settings.data_dir) / "junk.ttl").write_text(JUNK)
    code, third = _serve(settings, tmp_path)
    assert code == 1 and "does not conform" in third and "Traceback" not in third
