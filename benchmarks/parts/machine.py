"""Machine info: CPU, cores, load, versions; the line heading each device's results."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch


def cpu_model() -> str:
    """Return the CPU's marketing name (Linux /proc/cpuinfo, macOS sysctl), or a fallback."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True
            )
            if out.stdout.strip():
                return out.stdout.strip()
        except OSError:
            pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """Return the number of CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> list[float] | None:
    """Return the 1, 5 and 15 minute load averages (None where the OS has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine_info(device: torch.device) -> dict[str, Any]:
    """Describe the machine and the software versions the figures were measured with."""
    import PIL
    import sklearn

    info: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": usable_cores(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "pillow": PIL.__version__,
        "device": device.type,
        "device_name": cpu_model(),
    }
    if device.type == "cuda":
        info["device_name"] = torch.cuda.get_device_name(device)
        info["cuda"] = torch.version.cuda
    return info


def machine_line(data: dict[str, Any]) -> str:
    m = data["machine"]
    device = m["device"] if m["device"] == "cpu" else f"{m['device']} ({m['device_name']})"
    line = (
        f"Measured on **{data['date']}** on **{m['cpu']}** ({m['cores']} cores, "
        f"{m['torch_threads']} PyTorch threads), PyTorch {m['torch']}, scikit-learn "
        f"{m['scikit_learn']}, device **{device}**."
    )
    load = data.get("load_average_start")
    if load:
        line += f" Load average at the start: {load[0]:g} (1 min)."
    if data.get("note"):
        line += f" Note: {data['note']}"
    return line
