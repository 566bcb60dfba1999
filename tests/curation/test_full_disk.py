"""A full disk during a curation save: the old files stay whole, nothing enters the history,
the client gets a clear 507 without a trace, and the next save works.

The site runs in a child process whose file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored)
makes the save's writes fail part-way, as a full disk does; the limit is then lifted in the
same process, as when space is freed, and the next save must go through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from aigraph.settings import PROJECT_ROOT
from tests.curation.conftest import read, tree_digest

CHILD = r'''
import json, resource, signal, sys
from aigraph.settings import Settings
from aigraph.web import create_app

config = json.loads(sys.argv[1])
app = create_app({"TESTING": True, "AIGRAPH": Settings.load(config["settings"], environ={})})
client = app.test_client()
headers = {"Authorization": "Bearer " + config["token"], "Content-Type": "text/turtle"}

def put(body, etag):
    answer = client.put("/id/gpt-neo", data=body, headers={**headers, "If-Match": etag})
    return {"status": answer.status_code, "type": answer.mimetype,
            "body": answer.get_data(as_text=True), "etag": answer.headers.get("ETag")}

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (config["limit"], hard))
print("RESULT " + json.dumps(put(config["first"], config["etag"])), flush=True)
sys.stdin.readline()  # the test checks the files meanwhile
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
print("RESULT " + json.dumps(put(config["second"], config["etag"])), flush=True)
app.extensions["aigraph_executor"].close()
'''


def _result(child: subprocess.Popen) -> dict:
    for line in child.stdout:
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise AssertionError("the child stopped: " + child.stderr.read())


def test_a_full_disk_during_a_save_changes_nothing_and_the_next_save_works(
        cur_settings, cur_client, token):
    data, history = Path(cur_settings.data_dir), Path(cur_settings.history_dir)
    body, etag = read(cur_client, "gpt-neo")
    home = data / "small.ttl"  # where gpt-neo lives: the save rewrites all of it
    assert "id:gpt-neo " in home.read_text(encoding="utf-8")
    before = tree_digest(data, history)
    config = {"settings": {k: getattr(cur_settings, k) for k in (
                  "data_dir", "ontology_dir", "history_dir", "accounts_file", "secret_key",
                  "store", "update_url", "query_workers")},
              "token": token, "etag": etag, "limit": home.stat().st_size // 2,
              "first": body.replace('"GPT-Neo"@it', '"GPT-Neo (disco pieno)"@it'),
              "second": body.replace('"GPT-Neo"@it', '"GPT-Neo (di nuovo)"@it')}
    assert config["first"] != body and config["second"] != body
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(config)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        failed = _result(child)
        # A clear answer in the API's own JSON, with no trace of the code.
        assert failed["status"] == 507, failed
        assert failed["type"] == "application/json"
        answer = json.loads(failed["body"])
        assert "could not save the change" in answer["error"]
        assert "nothing was changed" in answer["error"]
        assert "Traceback" not in failed["body"] and "File \"" not in failed["body"]
        # The old files are whole, no temporary file is left, the history is empty.
        assert tree_digest(data, history) == before
        assert not list(data.rglob("*.tmp")) and not list(history.rglob("*"))
        assert read(cur_client, "gpt-neo")[1] == etag

        child.stdin.write("go on\n")
        child.stdin.flush()
        saved = _result(child)
        assert saved["status"] == 204, saved
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        stderr = child.stderr.read()
        child.stdin.close()
        child.stdout.close()
        child.stderr.close()
    assert "Traceback" not in stderr or "EFBIG" in stderr or "too large" in stderr.lower()
    # The second save is in the data and in the history, exactly once.
    text = home.read_text(encoding="utf-8")
    assert '"GPT-Neo (di nuovo)"@it' in text and "disco pieno" not in text
    records = list(history.rglob("*.trig"))
    assert len(records) == 1
    assert "GPT-Neo (di nuovo)" in records[0].read_text(encoding="utf-8")
    assert "disco pieno" not in records[0].read_text(encoding="utf-8")
    assert read(cur_client, "gpt-neo")[1] == saved["etag"]
