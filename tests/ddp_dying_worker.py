"""mlpcourse.ddp with a worker that dies: rank 1 exits after its first optimizer step.

tests/test_ddp.py starts this under torchrun to see that a lost process fails the whole run
cleanly (no hang, nothing half-written). The hook lives here, not in the course's script.
"""

import os
import sys

import torch

from mlpcourse import ddp

_real_step = torch.optim.SGD.step


def _dying_step(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    result = _real_step(self, *args, **kwargs)
    if int(os.environ.get("RANK", "0")) == 1:
        os._exit(3)  # as a killed worker would: no clean-up, no message
    return result


torch.optim.SGD.step = _dying_step  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(ddp.main())
