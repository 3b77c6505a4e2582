"""Let JAX run one sampler chain per CPU core.

XLA reads the host device count once, when JAX starts; set it here, before any JAX import, so
that chains run side by side instead of one after another. Harmless when JAX is already up:
chains then run in sequence.
"""

import os
import sys

if "jax" not in sys.modules:
    _cores = max(os.cpu_count() or 1, 1)
    _flags = os.environ.get("XLA_FLAGS", "")
    if "xla_force_host_platform_device_count" not in _flags:
        os.environ["XLA_FLAGS"] = (
            f"{_flags} --xla_force_host_platform_device_count={min(_cores, 8)}").strip()
    # Sums over two years of revenue lose the precision NUTS needs in float32 (divergences).
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    os.environ.setdefault("JAX_PLATFORMS", "cpu" if not os.environ.get("CREATORROI_JAX_GPU")
                          else "")
