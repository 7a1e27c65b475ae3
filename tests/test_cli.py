import subprocess
import sys

import pytest

from socialmarketing import __version__, cli


def test_help_lists_every_verb(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for verb in cli.build_parser()._subparsers._group_actions[0].choices:
        assert verb in out


def test_every_verb_explains_itself(capsys):
    verbs = cli.build_parser()._subparsers._group_actions[0].choices
    assert "assets" in verbs
    for verb in verbs:
        with pytest.raises(SystemExit) as stop:
            cli.main([verb, "--help"])
        assert stop.value.code == 0
        assert len(capsys.readouterr().out.splitlines()) > 3


def test_no_verb_prints_help_and_fails(capsys):
    assert cli.main([]) == 1
    assert "usage: socialmarketing" in capsys.readouterr().out


def test_version():
    result = subprocess.run(
        [sys.executable, "-m", "socialmarketing.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"socialmarketing {__version__}"


def test_assets_writes_files(tmp_path, capsys):
    assert cli.main(["assets", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "socialmarketing-charts.js").exists()
    assert "socialmarketing-charts.js" in capsys.readouterr().out


def test_user_errors_become_one_line_messages(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("not a folder")
    assert cli.main(["assets", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("socialmarketing: error:")
    assert "is a file" in err
    assert "Traceback" not in err
