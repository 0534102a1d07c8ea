"""The machine, the source files' hashes, and the results files (JSON and Markdown)."""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import json
import math
import os
import platform
import subprocess
from pathlib import Path

from bench_format import fmt, markdown_table
from bench_paths import ROOT
from bench_targets import targets

TARGET_COLUMNS = [("target", "target", "text"), ("measured", "measured", "text"), ("met", "met", "text")]


def machine_info() -> dict:
    """Cores, CPU, RAM, Python and library versions, git commit and uncommitted ``src/`` files."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = next((int(line.split()[1]) / 1024**2 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None) if Path("/proc/meminfo").exists() else None
    commit, dirty = _git_state()
    return {"cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gb": round(mem, 1) if mem else None, "python": platform.python_version(),
            "platform": platform.platform(), "sharedopt": _version("sharedopt"), "highspy": _version("highspy"),
            "pulp": _version("pulp"), "numpy": _version("numpy"), "scipy": _version("scipy"),
            "pandas": _version("pandas"), "git_commit": commit,
            "src_uncommitted_changes": [line[3:] for line in dirty.splitlines()]}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git_state() -> tuple[str | None, str]:
    """The short commit and ``git status --porcelain -- src`` (empty when git fails)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = None, ""
    return commit, dirty


def source_hashes() -> dict[str, str]:
    """SHA-256 (short) of every sharedopt source file: shows edits made during the run."""
    src = ROOT / "src" / "sharedopt"
    return {str(p.relative_to(src)): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
            for p in sorted(src.rglob("*.py"))}


def changed_sources(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Source files whose hash differs between two :func:`source_hashes`."""
    return sorted(f for f in set(before) | set(after) if before.get(f) != after.get(f))


def render(doc: dict, order: tuple[str, ...]) -> str:
    """``results.md``: the run and machine, the targets, then the sections in ``order``."""
    m = doc["machine"]
    lines = ["# sharedopt benchmark results", "",
             f"Run {doc['run_at']} ({'quick' if doc['quick'] else 'full'} run; command "
             f"`{doc['command']}`).", "",
             f"Machine: {m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}, "
             f"{m['memory_gb']} GB RAM; Python {m['python']}, highspy {m['highspy']}, "
             f"PuLP {m['pulp']}, numpy {m['numpy']}, scipy {m['scipy']}; sharedopt {m['sharedopt']} "
             f"at commit {m['git_commit']}"
             + (f" with uncommitted changes in {', '.join(m['src_uncommitted_changes'])}"
                if m["src_uncommitted_changes"] else "") + ".", ""]
    if doc.get("sources_changed_during_run"):
        lines += ["**Source files changed while the benchmark ran** (another engineer's edits; "
                  "sections may have used different versions): "
                  + ", ".join(doc["sources_changed_during_run"]), ""]
    if doc.get("targets"):
        lines += ["## Targets", "", markdown_table(TARGET_COLUMNS, doc["targets"]), ""]
    for name in order:
        section = doc["sections"].get(name)
        if section:
            lines += _section_lines(name, section)
    return "\n".join(lines)


def _section_lines(name: str, section: dict) -> list[str]:
    lines = [f"## {name}", "", f"_ran {section.get('run_at', '?')}, section wall time "
             f"{fmt(section.get('section_s'), 's')} s_", "",
             markdown_table([tuple(c) for c in section["columns"]], section["rows"]), ""]
    lines += [f"- {note}" for note in section.get("notes", [])]
    if section.get("sources_changed"):
        lines.append("- **sharedopt sources changed while this section ran**: "
                     + ", ".join(section["sources_changed"]))
    lines.append("")
    return lines


def write_results(doc: dict, out: Path, order: tuple[str, ...]) -> None:
    """Write ``results.json`` (strict JSON, targets recomputed) and ``results.md`` in ``out``."""
    doc = dict(doc, targets=targets(doc["sections"]))
    (out / "results.json").write_text(json.dumps(_finite(doc), indent=2, default=_json_default) + "\n")
    (out / "results.md").write_text(render(doc, order) + "\n")


def _finite(value):
    """NaN / inf -> None, recursively (results.json stays strict JSON)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)
