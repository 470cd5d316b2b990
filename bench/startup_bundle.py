"""Start-up of the packaged program beside the same start from the source venv, and the package sizes.

    python bench/startup_bundle.py [--bundle dist/huiquan-desk] [--deb dist/huiquan-desk_*.deb] [--repeat 5]

Measures, from the moment the process is launched, the time until the main window is first painted
(the window shows before the data layer loads, as bench/run.py's first_paint): Qt's own
`qt.widgets.painting` log says when a top-level window's dirty region is first painted and flushed (the same line in both programs, nothing of ours added to either), read from stderr as it
comes. Both start on a copy of the same data folder (a demo community made beforehand, so neither
start migrates or takes the day's backup), offscreen, interleaved so that drift hits both alike;
the first start of each is a warm-up and is reported apart as "first" (byte code, font caches cold).
Then each process is ended. Sizes: the bundle folder on disk (du) and the .deb file.
Writes bench/out/startup-bundle.json. Not a test: pytest never collects this file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PAINTED = "Painting and flushing dirty top level"  # QWidgetRepaintManager, category qt.widgets.painting
TIMEOUT_S = 120


def time_to_paint(command: list[str], data: Path, env: dict[str, str]) -> float:
    """Seconds from launch to the main window's first paint; the process is ended afterwards."""
    launched = time.perf_counter()
    process = subprocess.Popen([*command, "--data-dir", str(data)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    try:
        assert process.stderr is not None
        watchdog = threading.Timer(TIMEOUT_S, os.killpg, (process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            for line in process.stderr:  # the first top-level painted is the main window (shown first)
                if PAINTED in line:
                    return time.perf_counter() - launched
        finally:
            watchdog.cancel()
        raise RuntimeError(f"{command[0]}: no painted window (exit {process.poll()})")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def du_mb(path: Path) -> float:
    return int(subprocess.run(["du", "-sk", str(path.resolve())], capture_output=True, text=True, check=True)
               .stdout.split()[0]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "huiquan-desk")
    parser.add_argument("--deb", type=Path, default=None, help="default: dist/huiquan-desk_*.deb if there is one")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bundled = args.bundle / "huiquan-desk"
    if not bundled.is_file():
        print(f"no bundle at {args.bundle}: run make package first", file=sys.stderr)
        return 1
    deb = args.deb or next(iter(sorted((ROOT / "dist").glob("huiquan-desk_*.deb"))), None)
    programs = {"bundle": [str(bundled)], "venv": [sys.executable, "-m", "huiquan_desk"]}
    results: dict[str, object] = {"bundle_mb": round(du_mb(args.bundle), 1),
                                  "deb_mb": round(deb.stat().st_size / 2**20, 1) if deb else None}
    print(f"bundle {args.bundle}: {results['bundle_mb']} MB on disk (goal ≤ 150)")
    if deb:
        print(f"deb {deb.name}: {results['deb_mb']} MB (goal ≤ 70)")
    with tempfile.TemporaryDirectory(prefix="huiquan-bench-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "qt.widgets.painting=true",
               "XDG_CONFIG_HOME": str(Path(tmp) / "config"), "HOME": tmp}
        env.pop("HUIQUAN_DATA_DIR", None)
        demo = Path(tmp) / "demo"
        subprocess.run([*programs["venv"], "--data-dir", str(demo), "demo"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        folders = {}
        for name, command in programs.items():  # its own copy; the warm-up takes the day's backup
            folders[name] = Path(tmp) / f"data-{name}"
            shutil.copytree(demo, folders[name])
            results[f"{name}_first_s"] = round(time_to_paint(command, folders[name], env), 3)
        runs: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.repeat):
            for name, command in programs.items():
                runs[name].append(time_to_paint(command, folders[name], env))
    for name, values in runs.items():
        results[f"{name}_paint_s"] = round(statistics.median(values), 3)
        results[f"{name}_runs_s"] = [round(v, 3) for v in values]
        print(f"{name:6}: first paint {results[f'{name}_paint_s']:.2f} s (median of {args.repeat}: "
              f"{', '.join(f'{v:.2f}' for v in values)}); very first start {results[f'{name}_first_s']:.2f} s")
    ratio = results["bundle_paint_s"] / results["venv_paint_s"]  # type: ignore[operator]
    results["bundle_over_venv"] = round(ratio, 2)
    print(f"bundle / venv: {ratio:.2f} (goal: ≤ 1.0, not slower)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "startup-bundle.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
